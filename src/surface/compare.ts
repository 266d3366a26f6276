// Placeholder: side-by-side comparison (issue 6) is being built; owned by the compare work.
import type { Handler } from './context.ts';
import type { InferenceDependencies } from './inference.ts';

/** Fixed routes ("POST /v1/compare", ...) and their handlers. */
export function compareRoutes(_dependencies: InferenceDependencies): [string, Handler][] {
  return [];
}

/** Routes with a parameter in the path (/v1/compare/:id, ...); null when the path is not one. */
export function compareRoute(_method: string, _path: string, _dependencies: InferenceDependencies): Handler | null {
  return null;
}
