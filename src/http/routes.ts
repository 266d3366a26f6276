// Every route the gateway serves: a fixed table of method and path, then the routes with a
// parameter in the path (a model, a key, a comparison), then 405 for a known path asked with another
// method and 404 for the rest. A route says how it counts (see context.ts RouteKind).
import { invalidRequest, methodNotAllowed, notFound } from '../errors/gateway-error.ts';
import type { Handler, RequestContext } from './context.ts';
import type { Route } from './pipeline.ts';

export interface RouteTable {
  resolve(method: string, path: string): Route;
}

export interface RouteSources {
  /** `METHOD /path` to its route. */
  fixed: [string, Route][];
  /** Routes with a parameter in the path, tried in turn; null when the path is not theirs. */
  parameterised: ((method: string, path: string) => Route | null)[];
}

export function createRouteTable(sources: RouteSources): RouteTable {
  const fixed = new Map(sources.fixed);
  const knownPaths = new Set(sources.fixed.map(([key]) => key.slice(key.indexOf(' ') + 1)));
  const apiPaths = apiPathsOf(knownPaths);
  return {
    resolve(method, path) {
      const route = fixed.get(`${method} ${path}`);
      if (route) return route;
      for (const match of sources.parameterised) {
        const found = match(method, path);
        if (found) return found;
      }
      return plain(knownPaths.has(path) ? failing(methodNotAllowed(`Method ${method} is not allowed on ${path}`)) : failing(unknownUrl(method, path, apiPaths)));
    },
  };
}

export function plain(handler: Handler): Route {
  return { handler, kind: 'plain' };
}

/** Handlers that have a route's own error to give. */
function failing(error: Error): Handler {
  return () => {
    throw error;
  };
}

/** The API's paths for a 404 to name: those under /v1/, each once (not the ones below another). */
function apiPathsOf(paths: ReadonlySet<string>): string[] {
  const api = [...paths].filter((path) => path.startsWith('/v1/'));
  return api.filter((path) => !api.some((other) => other !== path && path.startsWith(`${other}/`)));
}

function unknownUrl(method: string, path: string, apiPaths: readonly string[]): Error {
  const listed = `${apiPaths.slice(0, -1).join(', ')} and ${apiPaths.at(-1)}`;
  return notFound(`Unknown request URL: ${method} ${path}. modelmux serves ${listed}.`, 'unknown_url');
}

/** A path segment as the client meant it; malformed percent-encoding is the client's mistake. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest('the URL has malformed percent-encoding', null, 'invalid_url');
  }
}

export type { RequestContext };
