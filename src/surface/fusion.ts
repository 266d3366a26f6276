// Placeholder: fusion (issue 6) is being built; owned by the fusion work.
import type { RequestContext } from './context.ts';
import { GatewayError } from './errors.ts';
import type { InferenceDependencies, SurfaceFormat } from './inference.ts';

/** `fusion` (with a `fusion` object in the body) or `fusion/<name>` (a named fusion from config). */
export function isFusionModel(model: unknown): boolean {
  return model === 'fusion' || (typeof model === 'string' && model.startsWith('fusion/'));
}

export async function handleFusion(_context: RequestContext, _dependencies: InferenceDependencies, _format: SurfaceFormat, _body: Record<string, unknown>): Promise<void> {
  throw new GatewayError('fusion is not available on this gateway yet', { status: 501, type: 'invalid_request_error', code: 'not_implemented' });
}
