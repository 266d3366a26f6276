// The Chat relay's cost per upstream chunk, in process: the recorded Groq stream pushed one event per
// chunk, as providers send them, with the model left as the provider named it, renamed to the
// public id, and already named so. Cases alternate, and the median of the repetitions' CPU time is
// reported, so a busy machine skews them alike. Run: node bench/relay-chunk.ts
import { readFileSync } from 'node:fs';
import { ChatStreamRelay } from '../src/protocol/openai-chat/stream-relay.ts';

const recorded = new URL('../../shared/fixtures/recorded/groq/groq-text.chunks.txt', import.meta.url);
const lines = readFileSync(recorded, 'utf8').split('\n').filter((line) => line.trim() !== '');
const chunks = lines.map((line) => Buffer.from(`data: ${line}\n\n`));
const publicId = 'groq/llama-3.3-70b-versatile';
const named = chunks.map((chunk) => Buffer.from(chunk.toString().replaceAll('"model":"llama-3.3-70b-versatile"', `"model":"${publicId}"`)));
const rounds = 200;
const repetitions = 31;

function nanosecondsPerChunk(input: Buffer[], model: string | undefined): number {
  let sink = 0;
  // CPU time, not wall time: a busy machine's other processes are not counted.
  const started = process.cpuUsage();
  for (let round = 0; round < rounds; round++) {
    const relay = new ChatStreamRelay(false, { model });
    for (const chunk of input) sink += relay.push(chunk)?.length ?? 0;
  }
  const used = process.cpuUsage(started);
  if (sink === 0) throw new Error('nothing relayed');
  return ((used.user + used.system) * 1000) / (rounds * input.length);
}

const cases: [string, Buffer[], string | undefined][] = [
  ['model as the provider named it (not renamed)', chunks, undefined],
  ['renamed to the public id', chunks, publicId],
  ['already the public id (searched, not copied)', named, publicId],
];
const samples = cases.map(() => [] as number[]);
// The first repetition warms the JIT and is left out.
for (let repetition = 0; repetition <= repetitions; repetition++) {
  cases.forEach(([, input, model], index) => {
    const cost = nanosecondsPerChunk(input, model);
    if (repetition > 0) samples[index].push(cost);
  });
}
const median = (values: number[]): number => values.sort((left, right) => left - right)[Math.floor(values.length / 2)];
const size = Math.round(chunks.reduce((sum, chunk) => sum + chunk.length, 0) / chunks.length);
console.log(`${chunks.length} chunks of ~${size} bytes, ${rounds} streams per repetition, median of ${repetitions}`);
cases.forEach(([name], index) => console.log(`${name.padEnd(46)} ${median(samples[index]).toFixed(0).padStart(6)} ns per chunk`));
