// Where the ledger and virtual keys live. By default in the user's data directory ($XDG_DATA_HOME/
// modelmux, else ~/.local/share/modelmux; %LOCALAPPDATA%\modelmux on Windows), the same whatever
// folder the gateway is started from: a default relative to that folder began a new, empty history
// whenever it was started somewhere else, and nobody noticed until the spend was missing.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface DataDirChoice {
  /** Absolute; null for `none` (no ledger, no keys). */
  path: string | null;
  /** Something the operator should hear at start, or null. */
  warning: string | null;
}

export interface DataDirPlaces {
  environment?: NodeJS.ProcessEnv;
  home?: string;
  cwd?: string;
  platform?: NodeJS.Platform;
}

/** The data directory named by --data-dir, MODELMUX_DATA_DIR or server.data_dir (`stated`), else the default. */
export function chooseDataDir(stated: string | null | undefined, places: DataDirPlaces = {}): DataDirChoice {
  const cwd = places.cwd ?? process.cwd();
  if (stated === 'none') return { path: null, warning: null };
  if (stated) return { path: resolve(cwd, stated), warning: null };
  const standard = userDataDir(places);
  // The folder an older modelmux used by default: a history there is kept in use rather than
  // silently left behind, and the operator is told how to move it.
  const legacy = resolve(cwd, '.modelmux');
  if (!existsSync(standard) && existsSync(legacy)) {
    return { path: legacy, warning: `using the ledger in ${legacy}, where earlier versions kept it by default; move it to ${standard} (or pass --data-dir) to keep one history wherever modelmux is started` };
  }
  return { path: standard, warning: null };
}

/** $XDG_DATA_HOME/modelmux (an absolute XDG_DATA_HOME only, as the specification says), else
 * ~/.local/share/modelmux; %LOCALAPPDATA%\modelmux on Windows. */
export function userDataDir(places: DataDirPlaces = {}): string {
  const environment = places.environment ?? process.env;
  const home = places.home ?? homedir();
  if ((places.platform ?? process.platform) === 'win32') return join(environment.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'modelmux');
  const xdg = environment.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'modelmux');
}
