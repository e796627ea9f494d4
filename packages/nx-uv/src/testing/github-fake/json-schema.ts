/**
 * Turns an OpenAPI 3.0 schema of the GitHub description into a standalone JSON Schema (draft-07) that
 * Ajv compiles: `nullable` becomes a `null` alternative, boolean `exclusiveMinimum/Maximum` become
 * numbers, documentation keywords go, and every `#/components/schemas/X` it reaches (transitively)
 * is copied under `definitions`. Test-only.
 */
import type { JsonObject, OpenApiDocument } from './spec';

const DROPPED_KEYS = new Set(['description', 'example', 'examples', 'discriminator', 'xml', 'externalDocs', 'deprecated', 'title']);
const SCHEMA_REF = '#/components/schemas/';

export interface ConvertOptions {
  /** Add `additionalProperties: false` to the top-level object (and to object alternatives of a top-level oneOf/anyOf). */
  closeTopLevelObject?: boolean;
  /** Formats met on the way are added here (so unknown ones can be registered as "anything"). */
  formats?: Set<string>;
}

/** `$id` under which a component schema is registered with Ajv (see `convertWithExternalRefs`). */
export function componentSchemaId(name: string): string {
  return `github-component-${name}`;
}

/**
 * Converts one schema whose `#/components/schemas/X` references become references to separately
 * registered schemas (`componentSchemaId(X)`), so Ajv compiles each component once and shares it
 * between operations. `onComponent` is called with every component name referenced directly.
 */
export function convertWithExternalRefs(schema: JsonObject, onComponent: (name: string) => void, options: ConvertOptions = {}): JsonObject {
  const root = convert(schema, onComponent, options.formats, componentSchemaId) as JsonObject;
  if (options.closeTopLevelObject) closeObject(root, true);
  return root;
}

/** A self-contained JSON Schema: referenced components (transitively) are copied under `definitions`. */
export function toStandaloneSchema(doc: OpenApiDocument, schema: JsonObject, options: ConvertOptions = {}): JsonObject {
  const pending: string[] = [];
  const seen = new Set<string>();
  const refTo = (name: string) => `#/definitions/${name}`;
  const visit = (node: unknown): unknown =>
    convert(
      node,
      (name) => {
        if (!seen.has(name)) {
          seen.add(name);
          pending.push(name);
        }
      },
      options.formats,
      refTo,
    );
  const root = visit(schema) as JsonObject;
  if (options.closeTopLevelObject) closeObject(root, true);
  const definitions: JsonObject = {};
  while (pending.length > 0) {
    const name = pending.pop() as string;
    definitions[name] = visit(componentSchema(doc, name));
  }
  return Object.keys(definitions).length > 0 ? { ...root, definitions } : root;
}

export function componentSchema(doc: OpenApiDocument, name: string): JsonObject {
  const target = (doc.components.schemas ?? {})[name];
  if (target === undefined) throw new Error(`the GitHub description has no schema ${name}`);
  return target as JsonObject;
}

function closeObject(node: JsonObject, recurse: boolean): void {
  const isObject = node.type === 'object' || (node.type === undefined && node.properties !== undefined);
  if (isObject && node.properties && node.additionalProperties === undefined && !node.allOf && !node.anyOf && !node.oneOf) {
    node.additionalProperties = false;
  }
  if (!recurse) return;
  for (const key of ['oneOf', 'anyOf']) {
    const alternatives = node[key];
    if (Array.isArray(alternatives))
      for (const alt of alternatives) if (alt && typeof alt === 'object' && !('$ref' in alt)) closeObject(alt as JsonObject, false);
  }
}

function convert(node: unknown, onRef: (name: string) => void, formats: Set<string> | undefined, refTo: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => convert(n, onRef, formats, refTo));
  if (!node || typeof node !== 'object') return node;
  const src = node as JsonObject;
  if (typeof src.$ref === 'string') {
    const ref = src.$ref;
    if (!ref.startsWith(SCHEMA_REF)) throw new Error(`unsupported schema $ref ${ref}`);
    const name = ref.slice(SCHEMA_REF.length);
    onRef(name);
    // OpenAPI 3.0 ignores siblings of $ref except that GitHub's generator sometimes puts `nullable` there.
    const out: JsonObject = { $ref: refTo(name) };
    return src.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(src)) {
    if (DROPPED_KEYS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      const props: JsonObject = {};
      for (const [p, s] of Object.entries(value as JsonObject)) props[p] = convert(s, onRef, formats, refTo);
      out[key] = props;
    } else if (key === 'format' && typeof value === 'string') {
      formats?.add(value);
      out[key] = value;
    } else if (key === 'enum' || key === 'required' || key === 'const' || key === 'default') {
      out[key] = value;
    } else {
      out[key] = convert(value, onRef, formats, refTo);
    }
  }
  for (const [bound, limit] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[bound] === 'boolean') {
      if (out[bound] === true && typeof out[limit] === 'number') {
        out[bound] = out[limit];
        delete out[limit];
      } else delete out[bound];
    }
  }
  if (src.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    } else if (Array.isArray(out.type)) {
      if (!out.type.includes('null')) out.type = [...out.type, 'null'];
    } else if (Object.keys(out).length > 0) {
      return { anyOf: [out, { type: 'null' }] };
    }
  }
  return out;
}
