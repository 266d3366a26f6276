// Counts the lines a gateway logged: evidence that logging was on while it was measured.
import { createReadStream } from 'node:fs';

export function countLines(file: string): Promise<number | null> {
  return new Promise((resolve) => {
    let lines = 0;
    createReadStream(file)
      .on('data', (chunk) => {
        for (const byte of chunk as Buffer) if (byte === 10) lines++;
      })
      .once('end', () => resolve(lines))
      .once('error', () => resolve(null));
  });
}
