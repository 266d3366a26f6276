// OpenAI Embeddings: `POST /v1/embeddings`. Vectors are unit length and derived from a hash of
// model and input, so equal inputs embed equally and different inputs differ.
import { sendBody } from './delivery.ts';
import type { Exchange } from './exchange.ts';
import { badRequest, prepare } from './exchange.ts';
import { replayReference, serveReplay } from './replay.ts';
import { promptTokens } from './text.ts';

export function handleEmbeddings(exchange: Exchange): void {
  const { body } = exchange;
  const model = body.model;
  if (typeof model !== 'string' || model === '') return void badRequest(exchange, 'openai', 'you must provide a model parameter', 'model');
  const inputs = readInputs(body.input);
  if (inputs === null) return void badRequest(exchange, 'openai', "'input' must be a string, an array of strings, or an array of token arrays.", 'input');
  const dimensions = body.dimensions ?? defaultDimensions;
  if (typeof dimensions !== 'number' || !Number.isInteger(dimensions) || dimensions < 1 || dimensions > maximumDimensions) {
    return void badRequest(exchange, 'openai', `'dimensions' must be an integer between 1 and ${maximumDimensions}.`, 'dimensions');
  }
  const base64 = body.encoding_format === 'base64';
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && !base64) {
    return void badRequest(exchange, 'openai', "'encoding_format' must be 'float' or 'base64'.", 'encoding_format');
  }
  const prepared = prepare(exchange, 'openai', model);
  if (prepared === null) return;
  const reference = replayReference(model);
  if (reference !== null) return serveReplay(exchange, prepared.knobs, 'openai', 'embeddings', reference, 'json');

  let tokens = 0;
  const data = inputs.map((input, index) => {
    tokens += typeof input === 'string' ? promptTokens(input.length) : input.length;
    const vector = embed(model + '\n' + (typeof input === 'string' ? input : input.join(',')), dimensions);
    const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : floats(vector);
    return { object: 'embedding', index, embedding };
  });
  const answer = { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  sendBody(exchange.response, prepared.knobs, JSON.stringify(answer));
}

/** Small enough to keep bodies light, large enough to look like a real embedding. */
const defaultDimensions = 256;
const maximumDimensions = 8192;

function readInputs(input: unknown): Array<string | number[]> | null {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return null;
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  const inputs: Array<string | number[]> = [];
  for (const item of input) {
    if (typeof item === 'string') inputs.push(item);
    else if (Array.isArray(item) && item.every((token) => typeof token === 'number')) inputs.push(item as number[]);
    else return null;
  }
  return inputs;
}

/** A unit vector from a seeded generator (FNV-1a seed, xorshift32 steps). */
function embed(text: string, dimensions: number): Float32Array {
  let seed = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    seed ^= text.charCodeAt(index);
    seed = Math.imul(seed, 0x01000193);
  }
  let state = seed >>> 0 || 1;
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 0x80000000 - 1;
    vector[index] = value;
    norm += value * value;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let index = 0; index < dimensions; index++) vector[index] *= scale;
  return vector;
}

/** Floats printed the way OpenAI prints them: float32 values, eight significant digits. */
function floats(vector: Float32Array): number[] {
  const values = new Array<number>(vector.length);
  for (let index = 0; index < vector.length; index++) values[index] = Number(vector[index].toPrecision(8));
  return values;
}
