// The configuration as every command finds it: --config, else MODELMUX_CONFIG, else ./modelmux.yaml
// when present, else the environment alone. A broken file is reported (file, line, fix), not thrown.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { GatewayConfig } from '../config/types.ts';
import type { CommandIo } from './io.ts';

/** The configuration, or null (with the error reported) when it is broken: the command then exits 1. */
export function loadCommandConfig(path: string | undefined, io: CommandIo): GatewayConfig | null {
  const configPath = path ?? io.env.MODELMUX_CONFIG ?? (existsSync('modelmux.yaml') ? 'modelmux.yaml' : undefined);
  try {
    return loadConfig({ path: configPath, env: io.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.error(`modelmux: configuration error: ${error.message}`);
      return null;
    }
    throw error;
  }
}
