// Writing a successful answer the way the knobs ask: delayed by the time to first token, paced by
// tokens per second, and broken on purpose by the `cut` and `malformed` faults.
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { SimulatorKnobs } from './knobs.ts';
import { truncatedFrame } from './sse.ts';

/** A streamed answer as framed events: sent before the first token, one per token, and after the last. */
export interface StreamPlan {
  head: string[];
  tokens: string[];
  tail: string[];
}

/** Sends a whole (non-streamed) body once the time to first token has passed. */
export function sendBody(
  response: ServerResponse,
  knobs: SimulatorKnobs,
  body: string | Buffer,
  status = 200,
  headers: OutgoingHttpHeaders = jsonHeaders,
): void {
  if (knobs.ttftMs > 0) afterDelay(response, knobs.ttftMs, () => writeBody(response, knobs, body, status, headers));
  else writeBody(response, knobs, body, status, headers);
}

/** Sends a streamed answer: headers at once, then events paced by the knobs. */
export function sendStream(response: ServerResponse, knobs: SimulatorKnobs, plan: StreamPlan, contentType = eventStream): void {
  const { chunks, destroy } = schedule(plan, knobs);
  const headers = { 'content-type': contentType, 'cache-control': 'no-cache' };
  if (knobs.ttftMs === 0 && chunks.length === 1 && !destroy) {
    // The common benchmark case: headers and every event leave in one write.
    response.writeHead(200, headers);
    response.end(chunks[0]);
    return;
  }
  response.writeHead(200, headers);
  response.flushHeaders();

  const interval = knobs.tokensPerSecond > 0 ? 1000 / knobs.tokensPerSecond : 0;
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let firstAt = 0;
  response.once('close', () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
  });

  const writeNext = (): void => {
    timer = undefined;
    if (closed) return;
    if (index === 0) firstAt = performance.now();
    const chunk = chunks[index++];
    if (index === chunks.length) {
      if (!destroy) response.end(chunk);
      else if (chunk === '') response.destroy();
      else response.write(chunk, () => response.destroy());
      return;
    }
    if (response.write(chunk)) scheduleNext();
    else response.once('drain', scheduleNext);
  };
  const scheduleNext = (): void => {
    if (closed) return;
    // Aim at absolute times so that timer lateness does not add up over a long answer.
    const due = firstAt + index * interval - performance.now();
    timer = setTimeout(writeNext, Math.max(0, due));
  };
  timer = setTimeout(writeNext, knobs.ttftMs);
}

export const jsonHeaders: OutgoingHttpHeaders = { 'content-type': 'application/json' };

const eventStream = 'text/event-stream; charset=utf-8';

function writeBody(response: ServerResponse, knobs: SimulatorKnobs, body: string | Buffer, status: number, headers: OutgoingHttpHeaders): void {
  if (response.destroyed) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  if (knobs.fault === 'cut') {
    // Promise the whole body, deliver half, then drop the connection.
    response.writeHead(status, { ...headers, 'content-length': bytes.length });
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => response.destroy());
    return;
  }
  const sent = knobs.fault === 'malformed' ? bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))) : bytes;
  response.writeHead(status, { ...headers, 'content-length': sent.length });
  response.end(sent);
}

/**
 * Groups the frames into the chunks written one per tick: the head goes out with the first token,
 * the tail with the last. `cut` stops after `faultAfterTokens` tokens and asks for the socket to
 * be destroyed; `malformed` slips a truncated copy of the next event in at that point.
 */
function schedule(plan: StreamPlan, knobs: SimulatorKnobs): { chunks: string[]; destroy: boolean } {
  const { tokens } = plan;
  const strike = knobs.fault === 'cut' || knobs.fault === 'malformed' ? Math.min(knobs.faultAfterTokens, tokens.length) : -1;
  const chunks: string[] = [];
  let current = plan.head.join('');
  for (let index = 0; index < tokens.length; index++) {
    if (index === strike) {
      if (knobs.fault === 'cut') return finish([...chunks, current], knobs, true);
      current += truncatedFrame(tokens[index]);
    }
    chunks.push(current + tokens[index]);
    current = '';
  }
  if (strike === tokens.length) {
    if (knobs.fault === 'cut') return finish(current === '' && chunks.length > 0 ? chunks : [...chunks, current], knobs, true);
    const victim = plan.tail[0] ?? tokens[tokens.length - 1];
    if (victim !== undefined) current += truncatedFrame(victim);
  }
  current += plan.tail.join('');
  if (chunks.length === 0) chunks.push(current);
  else chunks[chunks.length - 1] += current;
  return finish(chunks, knobs, false);
}

/** Without pacing, every chunk goes out in one write (still as separate events). */
function finish(chunks: string[], knobs: SimulatorKnobs, destroy: boolean): { chunks: string[]; destroy: boolean } {
  if (knobs.tokensPerSecond > 0 || chunks.length <= 1) return { chunks, destroy };
  return { chunks: [chunks.join('')], destroy };
}

function afterDelay(response: ServerResponse, milliseconds: number, action: () => void): void {
  const timer = setTimeout(action, milliseconds);
  response.once('close', () => clearTimeout(timer));
}
