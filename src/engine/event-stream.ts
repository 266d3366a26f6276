// An answer made of events a model produces itself (a fusion's final answer as its judge writes it),
// rather than read from a provider: the producer pushes events, and whoever started the stream gets
// them in order, those pushed before it started first. The producer decides the commit point.
import type { StreamedOutput } from '../accounts/request-ledger.ts';
import type { GatewayError } from '../errors/gateway-error.ts';
import type { StreamEvent, Usage } from '../protocol/ir.ts';
import type { AnswerSink, AnswerStream } from './answer.ts';

export interface EventStream {
  stream: AnswerStream;
  push(...events: StreamEvent[]): void;
  end(): void;
  fail(error: GatewayError): void;
  /** Called when the consumer cancels (the client left). */
  onCancel: (() => void) | null;
}

export function createEventStream(): EventStream {
  const held: StreamEvent[] = [];
  const streamed: StreamedOutput = { events: 0, characters: 0 };
  let usage: Usage | null = null;
  let sink: AnswerSink | null = null;
  let closing = false;
  let outcome: { error: GatewayError } | 'ended' | null = null;
  let cancelled = false;

  const deliver = (events: StreamEvent[]): void => {
    if (sink === null) {
      held.push(...events);
      return;
    }
    // A producer's own pace is its judge's: it is not held back by a slow client beyond buffering.
    sink.piece(null, events, closing);
  };
  const result: EventStream = {
    push(...events) {
      if (outcome !== null || cancelled) return;
      for (const event of events) {
        if (event.type === 'usage') usage = event.usage;
        else if (event.type === 'finish') closing = true;
        else if (event.type === 'text-delta') {
          streamed.events++;
          streamed.characters += event.text.length;
        }
      }
      deliver(events);
    },
    end() {
      if (outcome !== null || cancelled) return;
      outcome = 'ended';
      sink?.end();
    },
    fail(error) {
      if (outcome !== null || cancelled) return;
      outcome = { error };
      sink?.fail(error, false);
    },
    onCancel: null,
    stream: {
      start(target) {
        sink = target;
        if (held.length > 0) target.piece(null, held.splice(0), closing);
        if (outcome === 'ended') target.end();
        else if (outcome !== null) target.fail(outcome.error, false);
      },
      pause() {},
      resume() {},
      cancel() {
        if (cancelled) return;
        cancelled = true;
        result.onCancel?.();
      },
      get usage() {
        return usage;
      },
      get streamed() {
        return streamed;
      },
    },
  };
  return result;
}
