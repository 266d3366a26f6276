// The request path's side of the ledger: each API request gets a RequestLedger, and whatever path
// ends its response, that end waits for the request's rows to be committed (in a batch with the
// others of this turn), so the last byte leaves only once they are durable.
import { randomUUID } from 'node:crypto';
import type { LedgerWriter } from '../accounts/ledger-writer.ts';
import { RequestLedger } from '../accounts/request-ledger.ts';
import type { LedgerSettings } from '../accounts/request-ledger.ts';
import type { Settlement } from '../store/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import { linkedController, newCallContext } from '../engine/call.ts';
import type { CallContext } from '../engine/call.ts';
import type { RequestContext } from './context.ts';
import { errorLabel, unfinishedStatus } from '../errors/gateway-error.ts';
import type { GatewayError } from '../errors/gateway-error.ts';

export interface Billing {
  /** Opens the request's ledger and holds the response's end for its rows. */
  start(context: RequestContext): void;
  /** Queues the rows of a request whose response never finished (its client left, or a shutdown cut it). */
  abandoned(context: RequestContext): void;
  /** Queues the rows of a request whose response ended without `finish` (answered by Node's own
   * handling of a bad request); nothing when they were written already. */
  settleEnded(context: RequestContext): void;
  /** A call the gateway makes itself on behalf of `parent` (a fusion member, a comparison's answer):
   * a ledger of its own in the group `groupId`, on the parent's account, ending with the parent until it settles. */
  child(parent: CallContext, groupId: string): CallContext;
  /** Writes such a call's rows, and lets go of its parent; resolves once they are committed. */
  settle(context: CallContext, outcome: { status: number; error: GatewayError | null }): Promise<void>;
}

export function createBilling(options: { accounts: LedgerSettings; writer: LedgerWriter; logger: Logger }): Billing {
  const { accounts, logger } = options;
  const ledgerWriter = options.writer;
  /** Each child call's link to its parent's signal, undone when the call settles. */
  const links = new WeakMap<CallContext, () => void>();

  /**
   * Opens the request's ledger. The response's end (context.finish) waits for the request's rows to
   * be committed (in a batch with the others of this turn), so the last byte leaves only once they
   * are durable.
   */
  function startLedger(context: RequestContext): void {
    context.ledger = new RequestLedger(accounts, context.account, context.requestId, null);
    const { response } = context;
    let ending = false;
    // Made in a local, then assigned: see test/architecture.test.ts (V8 would allocate it old).
    const finish = (last?: Buffer | string): void => {
      // A second end while the first waits for its commit has nothing left to add.
      if (ending) return;
      ending = true;
      const end = (): void => void (last === undefined ? response.end() : response.end(last));
      const settlement = settleLedger(logger, context, response.statusCode, false);
      if (settlement === null) return end();
      ledgerWriter.write(settlement, end);
    };
    context.finish = finish;
  }

  function settleEnded(context: RequestContext): void {
    const settlement = settleLedger(logger, context, context.response.statusCode, false);
    if (settlement !== null) ledgerWriter.write(settlement, () => {});
  }

  /** Queues the rows of a request whose response never finished: its client left, or the gateway's
   * shutdown cut it. */
  function settleAbandoned(context: RequestContext): void {
    const status = unfinishedStatus(context.error);
    const settlement = settleLedger(logger, context, status, status === 499);
    if (settlement !== null) ledgerWriter.write(settlement, () => {});
  }

  function child(parent: CallContext, groupId: string): CallContext {
    const { controller, unlink } = linkedController(parent.controller.signal);
    const requestId = randomUUID();
    const context = newCallContext({ requestId, headers: parent.headers, account: parent.account, controller, stream: true, ledger: new RequestLedger(accounts, parent.account, requestId, groupId) });
    links.set(context, unlink);
    return context;
  }

  function settle(context: CallContext, outcome: { status: number; error: GatewayError | null }): Promise<void> {
    links.get(context)?.();
    links.delete(context);
    context.error ??= outcome.error;
    const settlement = settleLedger(logger, context, outcome.status, outcome.status === 499);
    if (settlement === null) return Promise.resolve();
    return new Promise((resolve) => ledgerWriter.write(settlement, resolve));
  }

  return { start: startLedger, abandoned: settleAbandoned, settleEnded, child, settle };
}

/** The request's rows (once; null after). A fault here is logged loudly; the answer still goes out. */
function settleLedger(logger: Logger, context: CallContext, status: number, clientLeft: boolean): Settlement | null {
  const ledger = context.ledger;
  if (ledger === null) return null;
  const error = context.error;
  try {
    return ledger.finish(
      {
        status,
        errorClass: error ? errorLabel(error) : clientLeft ? 'client_closed_request' : null,
        usage: context.usage,
        ttftMs: context.timeToFirstToken === null ? null : context.timeToFirstToken * 1000,
        streamed: context.streamed,
        complete: !clientLeft && error === null && status < 400,
      },
      context.model,
      context.provider,
    );
  } catch (thrown) {
    logger.error('ledger rows could not be made', { request_id: context.requestId, error: thrown instanceof Error ? thrown.message : String(thrown) });
    return null;
  }
}
