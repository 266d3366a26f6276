// One request being answered, and the step every endpoint takes first: work out the knobs for
// the request and play the faults that happen before any answer (429, 500, 503, reset, stall).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { faultMessage, sendError } from './errors.ts';
import type { WireFormat } from './errors.ts';
import { presetOf, resolveKnobs } from './knobs.ts';
import type { SimulatorKnobs } from './knobs.ts';
import type { ReplayStore } from './replay.ts';

export interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** Path without the query string. */
  path: string;
  /** Query string without the `?`, or ''. */
  query: string;
  body: Record<string, unknown>;
  defaults: Readonly<SimulatorKnobs>;
  replay: ReplayStore | null;
  /** A fresh number for ids: deterministic from server start (or the last reset). */
  nextId(): number;
}

export interface Prepared {
  knobs: SimulatorKnobs;
  /** The model answers the last user message verbatim (preset `echo`). */
  echo: boolean;
}

/**
 * Knobs for this request, or null when the request has already been answered: a bad knob header
 * (400) or a fault that strikes before the answer.
 */
export function prepare(exchange: Exchange, format: WireFormat, model: string): Prepared | null {
  const preset = presetOf(model);
  const knobs = resolveKnobs(exchange.defaults, preset, exchange.request.headers);
  if (typeof knobs === 'string') {
    sendError(exchange.response, format, 400, knobs);
    return null;
  }
  switch (knobs.fault) {
    case '429':
      sendError(exchange.response, format, 429, faultMessage(format, 429, knobs.retryAfterSeconds), {
        retryAfterSeconds: knobs.retryAfterSeconds,
      });
      return null;
    case '500':
    case '503': {
      const status = Number(knobs.fault);
      sendError(exchange.response, format, status, faultMessage(format, status, knobs.retryAfterSeconds));
      return null;
    }
    case 'reset':
      // A TCP reset rather than a clean close: what a crashing upstream or a load balancer does.
      exchange.request.socket.resetAndDestroy();
      return null;
    case 'stall':
      // Never answer. Nothing is scheduled, so nothing needs cleaning when the client gives up.
      return null;
    default:
      return { knobs, echo: preset.echo };
  }
}

/** Answers 400 in `format` and returns null, for one-line validation in the endpoints. */
export function badRequest(exchange: Exchange, format: WireFormat, message: string, param: string | null = null): null {
  sendError(exchange.response, format, 400, message, { param });
  return null;
}
