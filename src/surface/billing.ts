// The request path's side of the ledger: each API request gets a RequestLedger, and whatever path
// ends its response, that end waits for the request's rows to be committed (in a batch with the
// others of this turn), so the last byte leaves only once they are durable.
import { timingSafeEqual } from 'node:crypto';
import type { LedgerWriter } from '../accounts/ledger-writer.ts';
import { RequestLedger } from '../accounts/request-ledger.ts';
import type { LedgerSettings } from '../accounts/request-ledger.ts';
import type { Settlement } from '../store/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { RequestContext } from './context.ts';
import { errorLabel } from './errors.ts';

export interface Billing {
  /** Opens the request's ledger and holds the response's end for its rows. */
  start(context: RequestContext): void;
  /** Queues the rows of a request whose client left before its end. */
  abandoned(context: RequestContext): void;
}

export function createBilling(options: { accounts: LedgerSettings; writer: LedgerWriter; internalToken: string; logger: Logger }): Billing {
  const { accounts, logger, internalToken } = options;
  const ledgerWriter = options.writer;

  /**
   * Opens the request's ledger. Whatever path ends the response, its end waits for the request's
   * rows to be committed (in a batch with the others of this turn), so the last byte leaves only
   * once they are durable.
   */
  function startLedger(context: RequestContext): void {
    const group = context.request.headers['x-modelmux-fusion-id'];
    const internal = typeof group === 'string' && group !== '' && fromThisGateway(context.request.headers['x-modelmux-internal']);
    context.ledger = new RequestLedger(accounts, context.account, context.requestId, internal ? group.slice(0, 128) : null);
    const response = context.response as unknown as { end: (...args: unknown[]) => unknown };
    const end = response.end;
    let ending = false;
    response.end = function (this: unknown, ...args: unknown[]) {
      // A second end while the first waits for its commit has nothing left to add.
      if (ending) return this;
      ending = true;
      const settlement = settleLedger(context, false);
      if (settlement === null) return end.apply(this, args);
      ledgerWriter.write(settlement, () => end.apply(this, args));
      return this;
    };
  }

  function fromThisGateway(token: string | string[] | undefined): boolean {
    if (typeof token !== 'string' || token.length !== internalToken.length) return false;
    return timingSafeEqual(Buffer.from(token), Buffer.from(internalToken));
  }

  /** Queues the rows of a request whose client left before its end. */
  function settleAbandoned(context: RequestContext): void {
    const settlement = settleLedger(context, true);
    if (settlement !== null) ledgerWriter.write(settlement, () => {});
  }

  /** The request's rows (once; null after). A fault here is logged loudly; the answer still goes out. */
  function settleLedger(context: RequestContext, clientLeft: boolean): Settlement | null {
    const ledger = context.ledger;
    if (ledger === null) return null;
    const error = context.error;
    const status = clientLeft ? 499 : context.response.statusCode;
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

  return { start: startLedger, abandoned: settleAbandoned };
}
