// `GET /v1/models` in OpenAI's list shape: the preset models the simulator knows by name. Any
// other model name works too; these are the ones worth listing.
import type { ServerResponse } from 'node:http';
import { presetNames } from './knobs.ts';

/** Answers `GET /v1/models` and `GET /v1/models/{id}`. */
export function sendModels(response: ServerResponse, path: string): void {
  const id = path.length > modelsPath.length + 1 ? decodeSafely(path.slice(modelsPath.length + 1)) : null;
  const body = id === null ? modelList : JSON.stringify(model(id));
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

export const modelsPath = '/v1/models';

/** A fixed date, so that the listing is byte-for-byte stable. */
const created = 1735689600;

function model(id: string): Record<string, unknown> {
  return { id, object: 'model', created, owned_by: 'modelmux-simulator' };
}

const modelList = JSON.stringify({ object: 'list', data: presetNames.map(model) });

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
