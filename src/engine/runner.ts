// What a fusion or a comparison needs to call models itself, in process: a call of its own on the
// caller's account (its own ledger row, linked to the others by a group id), any model name (a routed
// model, or a fusion where that is allowed), and the rows written once the call is over. The
// composition root builds one; nothing here opens a connection to the gateway itself.
import type { GatewayError } from '../errors/gateway-error.ts';
import type { Answer } from './answer.ts';
import type { CallContext } from './call.ts';
import type { ChatCall } from './chat-model.ts';

export interface ModelRunner {
  /** A call made on behalf of `parent` (same account, headers and lifetime), billed as a request of
   * its own in the group `groupId`. */
  child(parent: CallContext, groupId: string): CallContext;
  /** Answers a chat call; resolves at the commit point. `allowFusion`: a fusion name is a model too
   * (a comparison may compare one; a fusion's own members may not be one). */
  answer(context: CallContext, call: ChatCall, allowFusion: boolean): Promise<Answer>;
  /** The call is over: its ledger rows are written; resolves once they are committed. */
  settle(context: CallContext, outcome: { status: number; error: GatewayError | null }): Promise<void>;
}
