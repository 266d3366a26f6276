// Shared by this folder's tests: the recorded Anthropic fixtures, replayed as the bytes Anthropic
// sends, and an accumulator that turns IR stream events back into a whole answer to compare.
import { readFileSync, readdirSync } from 'node:fs';
import type { AssistantContent, ChatResponse, FinishReason, StreamEvent, Usage } from '../ir.ts';

export const fixtures = new URL('../../../test/fixtures/recorded/anthropic/', import.meta.url);

export function fixtureNames(extension: '.json' | '.chunks.txt'): string[] {
  return readdirSync(fixtures)
    .filter((file) => file.endsWith(extension))
    .map((file) => file.slice(0, -extension.length));
}

export function readJsonFixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, fixtures), 'utf8'));
}

/** A `.chunks.txt` recording as Anthropic sent it: each payload under `event: <its type>`. */
export function readStreamFixture(name: string): string {
  return readFileSync(new URL(`${name}.chunks.txt`, fixtures), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`)
    .join('');
}

export interface Accumulated {
  id: string | null;
  model: string | null;
  content: AssistantContent[];
  finishReason: FinishReason | null;
  stopSequence?: string | null;
  usage: Usage | null;
}

/** Builds the whole answer a stream describes, the way a careful client would. */
export function accumulate(events: StreamEvent[]): Accumulated {
  const result: Accumulated = { id: null, model: null, content: [], finishReason: null, usage: null };
  let open: AssistantContent | null = null;
  const calls = new Map<number, Extract<AssistantContent, { type: 'tool-call' }>>();
  for (const event of events) {
    switch (event.type) {
      case 'start':
        result.id = event.id;
        result.model = event.model;
        break;
      case 'text-delta':
        if (open?.type === 'text') open.text += event.text;
        else result.content.push((open = { type: 'text', text: event.text }));
        break;
      case 'reasoning-delta':
        if (open?.type === 'reasoning') open.text += event.text;
        else result.content.push((open = { type: 'reasoning', text: event.text }));
        break;
      case 'reasoning-signature': {
        if (open?.type !== 'reasoning') result.content.push((open = { type: 'reasoning', text: '' }));
        open.signature = (open.signature ?? '') + event.signature;
        break;
      }
      case 'refusal-delta':
        if (open?.type === 'refusal') open.text += event.text;
        else result.content.push((open = { type: 'refusal', text: event.text }));
        break;
      case 'text-end':
      case 'reasoning-end':
        open = null;
        break;
      case 'redacted-reasoning':
        result.content.push({ type: 'redacted-reasoning', data: event.data });
        open = null;
        break;
      case 'tool-call-start': {
        const call: Extract<AssistantContent, { type: 'tool-call' }> = { type: 'tool-call', id: event.id, name: event.name, arguments: '' };
        calls.set(event.index, call);
        result.content.push(call);
        open = null;
        break;
      }
      case 'tool-call-delta': {
        const call = calls.get(event.index);
        if (call) call.arguments += event.arguments;
        break;
      }
      case 'tool-call-end':
        break;
      case 'usage':
        result.usage = event.usage;
        break;
      case 'finish':
        result.finishReason = event.finishReason;
        if (event.stopSequence !== undefined) result.stopSequence = event.stopSequence;
        break;
    }
  }
  return result;
}

/** The stream a provider could have sent for this answer; text and arguments split in two so
 * deltas really are pieces. */
export function streamOf(response: ChatResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'start', id: response.id, model: response.model, created: response.created }];
  let toolIndex = 0;
  for (const part of response.content) {
    switch (part.type) {
      case 'text':
        for (const piece of halves(part.text)) events.push({ type: 'text-delta', text: piece });
        events.push({ type: 'text-end' });
        break;
      case 'refusal':
        for (const piece of halves(part.text)) events.push({ type: 'refusal-delta', text: piece });
        break;
      case 'reasoning':
        for (const piece of halves(part.text)) events.push({ type: 'reasoning-delta', text: piece });
        if (part.signature) events.push({ type: 'reasoning-signature', signature: part.signature });
        events.push({ type: 'reasoning-end' });
        break;
      case 'redacted-reasoning':
        events.push({ type: 'redacted-reasoning', data: part.data });
        break;
      case 'tool-call': {
        const index = toolIndex++;
        events.push({ type: 'tool-call-start', index, id: part.id, name: part.name });
        for (const piece of halves(part.arguments)) events.push({ type: 'tool-call-delta', index, arguments: piece });
        events.push({ type: 'tool-call-end', index });
        break;
      }
    }
  }
  const finish: StreamEvent = { type: 'finish', finishReason: response.finishReason };
  if (response.stopSequence !== undefined) finish.stopSequence = response.stopSequence;
  events.push(finish);
  if (response.usage) events.push({ type: 'usage', usage: response.usage });
  return events;
}

function halves(text: string): string[] {
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)].filter((piece) => piece !== '');
}
