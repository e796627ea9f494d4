/**
 * Typed access to parsed TOML documents, with errors that name the file and the key.
 */
import { UvWorkspaceError } from './types';

export type TomlTable = Record<string, unknown>;

export function isTable(value: unknown): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function wrongType(file: string, key: string, expected: string, value: unknown): never {
  const actual = Array.isArray(value) ? 'an array' : isTable(value) ? 'a table' : `a ${typeof value}`;
  throw new UvWorkspaceError(`\`${key}\` in ${file} must be ${expected}, found ${actual}. Fix that entry.`, file);
}

/** `table[key]` when it is a table; undefined when absent; throws when it is something else. */
export function getTable(table: TomlTable | undefined, key: string, file: string, keyPath = key): TomlTable | undefined {
  const value = table?.[key];
  if (value === undefined) return undefined;
  if (!isTable(value)) wrongType(file, keyPath, 'a table', value);
  return value;
}

export function getString(table: TomlTable | undefined, key: string, file: string, keyPath = key): string | undefined {
  const value = table?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') wrongType(file, keyPath, 'a string', value);
  return value;
}

export function getBoolean(table: TomlTable | undefined, key: string, file: string, keyPath = key): boolean | undefined {
  const value = table?.[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') wrongType(file, keyPath, 'true or false', value);
  return value;
}

export function getArray(table: TomlTable | undefined, key: string, file: string, keyPath = key): unknown[] | undefined {
  const value = table?.[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) wrongType(file, keyPath, 'an array', value);
  return value;
}

export function getStringArray(table: TomlTable | undefined, key: string, file: string, keyPath = key): string[] | undefined {
  const value = getArray(table, key, file, keyPath);
  if (value === undefined) return undefined;
  for (const item of value) {
    if (typeof item !== 'string') wrongType(file, `${keyPath} entries`, 'strings', item);
  }
  return value as string[];
}
