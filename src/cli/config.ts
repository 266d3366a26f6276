// The configuration as every command finds it: --config, else MODELMUX_CONFIG, else ./modelmux.yaml
// when present, else the environment alone. A broken file is reported (file, line, fix), not thrown.
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { GatewayConfig } from '../config/types.ts';

export function loadCommandConfig(path: string | undefined): GatewayConfig | null {
  const configPath = path ?? process.env.MODELMUX_CONFIG ?? (existsSync('modelmux.yaml') ? 'modelmux.yaml' : undefined);
  try {
    return loadConfig({ path: configPath });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`modelmux: configuration error: ${error.message}`);
      process.exitCode = 1;
      return null;
    }
    throw error;
  }
}
