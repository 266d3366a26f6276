// What one client request carries through the gateway, and what telemetry reads when it ends.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account } from '../accounts/auth.ts';
import type { RequestLedger, StreamedOutput } from '../accounts/request-ledger.ts';
import type { Usage } from '../protocol/ir.ts';
import type { GatewayError } from './errors.ts';

export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  /** process.hrtime.bigint() at arrival. */
  startedAt: bigint;
  /** Aborted when the client goes away (or a timeout fires) so the upstream call stops at once. */
  controller: AbortController;
  /** The public model name, for logs. */
  model: string | null;
  /** The model as a metrics label: bounded to configured and listed models (see ModelTarget). */
  metricsModel: string | null;
  provider: string | null;
  stream: boolean;
  /** Seconds from arrival to the first byte relayed from the provider. */
  timeToFirstToken: number | null;
  usage: Usage | null;
  error: GatewayError | null;
  /** The error shape the client expects: OpenAI's `{"error":{...}}` or Anthropic's `{"type":"error",...}`. */
  errorStyle: 'openai' | 'anthropic';
  /** The routing decision this request follows, once made. */
  route: { id: string; attempts: number; ignored: string[] } | null;
  /** Renders an error as an event of the client's stream, once a stream has started. */
  streamFailure: ((error: GatewayError) => string) | null;
  /** Who is calling (see accounts/auth.ts). */
  account: Account;
  /** The request's ledger rows and budget reservation; null for requests that are not billed. */
  ledger: RequestLedger | null;
  /** What the current attempt has streamed to the client, for billing a stream cut short. */
  streamed: StreamedOutput;
  /** Headers every answer to this request carries (rate-limit state, budget warnings). */
  extraHeaders: Record<string, string> | null;
  /** How long a stream may sit unread by the client before it is closed; 0: no limit. */
  streamUnreadMs: number;
}

/** A route's handler; a returned promise that rejects becomes the error answer. */
export type Handler = (context: RequestContext) => void | Promise<void>;

export function secondsSince(startedAt: bigint): number {
  return Number(process.hrtime.bigint() - startedAt) / 1e9;
}
