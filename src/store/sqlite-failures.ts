// Which SQLite failures pass: the disk full, the file busy or locked by another process, an I/O error,
// a file that cannot be opened for now. A write that failed so is tried again; one the database
// refuses for good (a constraint, a malformed row) is not worth holding anything for.

/** SQLite's primary result codes for a failure that passes: busy, locked, I/O error, full, cannot open. */
const passingFailures = new Set([5, 6, 10, 13, 14]);

/** node:sqlite gives the extended result code; its low byte is the primary one. */
export function isPassingFailure(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && passingFailures.has(code & 0xff);
}
