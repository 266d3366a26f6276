// A comparison's progress as it runs, for `POST /v1/compare` with `stream: true`: one server-sent
// event as each model answers and as each persona finishes its review, then the comparison itself
// (the same JSON a plain request gets) or the error that ended it. With real models a comparison
// takes a minute or more; without these events a client sees nothing until the end.

export type CompareProgress =
  | { type: 'started'; id: string; models: string[]; prompts: number; panel: string | null; personas: string[] }
  | { type: 'answer'; prompt: number; model: string; ok: boolean; latency_ms: number; error: string | null }
  | { type: 'panel'; judge: string; reviews: number }
  | { type: 'review'; prompt: number; persona: string; ok: boolean; latency_ms: number; error: string | null };

/** The event names a stream can carry: the progress types, then `comparison` or `error` last. */
export type CompareEventName = CompareProgress['type'] | 'comparison' | 'error';

export type ProgressListener = (event: CompareProgress) => void;

/** One server-sent event. */
export function compareEventFrame(name: CompareEventName, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
