// What a command reads and writes besides its arguments: its output, its error messages and the
// environment it takes settings from. main.ts hands every command the process's own; a test hands
// in its own, runs the command in process and reads what it wrote.

export interface CommandIo {
  /** Output, one piece at a time; a line end is added, as console.log does. */
  log(text: string): void;
  /** An error message; a line end is added, as console.error does. */
  error(text: string): void;
  /** Output passed on exactly as it came (the CSV exports). */
  write(text: string): void;
  /** Where settings come from (MODELMUX_*, provider keys, PORT, ...). */
  env: Record<string, string | undefined>;
}

export const processIo: CommandIo = {
  log: (text) => console.log(text),
  error: (text) => console.error(text),
  write: (text) => void process.stdout.write(text),
  env: process.env,
};

/** What every command's run() does: its exit status (0 when it worked). */
export type Command = (argv: string[], io?: CommandIo) => Promise<number>;
