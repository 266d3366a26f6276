// The value checks Anthropic's request decoder makes, each a 400 naming the field (`param`).
import type { CacheControl } from '../ir.ts';
import { invalidRequest } from '../../errors/gateway-error.ts';

export function decodeCacheControl(value: unknown, param: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  const record = requireRecord(value, param);
  if (record.type !== 'ephemeral') throw invalidRequest(`${param}.type: must be "ephemeral"`, `${param}.type`);
  if (record.ttl === undefined || record.ttl === null) return { type: 'ephemeral' };
  return { type: 'ephemeral', ttl: requireString(record.ttl, `${param}.ttl`) };
}

export function requireRecord(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRequest(`${param}: must be an object`, param);
  return value as Record<string, unknown>;
}

export function requireString(value: unknown, param: string): string {
  if (typeof value !== 'string') throw invalidRequest(`${param}: must be a string`, param);
  return value;
}

export function optionalNumber(value: unknown, param: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidRequest(`${param}: must be a number`, param);
  return value;
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidRequest(`${param}: must be a boolean`, param);
  return value;
}
