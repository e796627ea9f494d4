/**
 * GitHub's published OpenAPI description (from `@octokit/openapi`), loaded once per process, and an
 * index of its operations by HTTP method for matching request paths. Test-only.
 */
import * as fs from 'node:fs';

export type JsonObject = Record<string, unknown>;

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonObject;
}

export interface OpenApiOperation {
  operationId: string;
  parameters?: Array<OpenApiParameter | { $ref: string }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> } | { $ref: string };
  responses?: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

/** One operation of the description, with its path template split into segments. */
export interface IndexedOperation {
  method: string;
  template: string;
  segments: Array<{ literal: string } | { param: string }>;
  operation: OpenApiOperation;
}

export interface GitHubSpec {
  doc: OpenApiDocument;
  /** Operations by upper-case method. */
  byMethod: Map<string, IndexedOperation[]>;
  byOperationId: Map<string, IndexedOperation>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

let cached: GitHubSpec | undefined;

/** Path of the api.github.com description shipped by `@octokit/openapi` (the non-dereferenced one: 13 MB, not 73). */
export function gitHubSpecPath(): string {
  return require.resolve('@octokit/openapi/generated/api.github.com.json');
}

/** The parsed description and its operation index; parsed at the first call, then shared. */
export function loadGitHubSpec(): GitHubSpec {
  if (cached) return cached;
  const doc = JSON.parse(fs.readFileSync(gitHubSpecPath(), 'utf8')) as OpenApiDocument;
  const byMethod = new Map<string, IndexedOperation[]>();
  const byOperationId = new Map<string, IndexedOperation>();
  for (const [template, item] of Object.entries(doc.paths)) {
    const segments = template
      .split('/')
      .slice(1)
      .map((s) => {
        const m = /^\{([^}]+)\}$/.exec(s);
        return m ? { param: m[1] } : { literal: s };
      });
    for (const method of HTTP_METHODS) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (!operation) continue;
      const entry: IndexedOperation = { method: method.toUpperCase(), template, segments, operation };
      const list = byMethod.get(entry.method) ?? [];
      list.push(entry);
      byMethod.set(entry.method, list);
      byOperationId.set(operation.operationId, entry);
    }
  }
  cached = { doc, byMethod, byOperationId };
  return cached;
}

/** Follows a local `$ref` (`#/components/...`) of the description. */
export function resolveRef<T>(doc: OpenApiDocument, value: T | { $ref: string }): T {
  let current: unknown = value;
  for (let i = 0; i < 10 && current && typeof current === 'object' && '$ref' in current; i++) {
    const ref = (current as { $ref: string }).$ref;
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as JsonObject | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
    if (current === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return current as T;
}

/** Parameters whose value may contain `/` when a client does not percent-encode it (`git/ref/{ref}`, `contents/{path}`). */
const GREEDY_PARAMS = new Set(['ref', 'path']);

export interface MatchedOperation {
  entry: IndexedOperation;
  params: Record<string, string>;
}

/**
 * Finds the operation for a method and a raw (still percent-encoded) path. Segments are split before
 * decoding, so `git/ref/tags%2Fv1` gives `ref = tags/v1`. Literal segments win over parameters
 * (`releases/latest` before `releases/{release_id}`).
 */
export function matchOperation(spec: GitHubSpec, method: string, rawPath: string): MatchedOperation | undefined {
  const parts = rawPath.replace(/\/+$/, '').split('/').slice(1);
  const candidates = spec.byMethod.get(method.toUpperCase()) ?? [];
  let best: { entry: IndexedOperation; params: Record<string, string>; rank: string } | undefined;
  for (const entry of candidates) {
    const segs = entry.segments;
    const last = segs[segs.length - 1];
    const greedy = last !== undefined && 'param' in last && GREEDY_PARAMS.has(last.param);
    if (segs.length !== parts.length && !(greedy && parts.length > segs.length)) continue;
    const params: Record<string, string> = {};
    let rank = '';
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const seg = segs[i];
      if ('literal' in seg) {
        ok = seg.literal === parts[i];
        rank += '0';
      } else {
        const raw = greedy && i === segs.length - 1 ? parts.slice(i).join('/') : parts[i];
        if (raw === '') ok = false;
        else {
          try {
            params[seg.param] = decodeURIComponent(raw);
          } catch {
            ok = false;
          }
        }
        rank += '1';
      }
    }
    if (!ok) continue;
    if (segs.length !== parts.length) rank += '2';
    if (!best || rank < best.rank) best = { entry, params, rank };
  }
  return best && { entry: best.entry, params: best.params };
}
