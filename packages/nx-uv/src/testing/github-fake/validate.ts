/**
 * Validates a request (path parameters, query, JSON body) and, optionally, a response body against
 * one operation of the GitHub description. Validators are compiled at first use and cached per
 * operation. Test-only.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { componentSchema, componentSchemaId, convertWithExternalRefs } from './json-schema';
import { resolveRef, type GitHubSpec, type IndexedOperation, type JsonObject, type OpenApiParameter } from './spec';

export interface RequestParts {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Parsed JSON body; `undefined` when the request had none. */
  body: unknown;
}

interface CompiledOperation {
  params: ValidateFunction;
  query: ValidateFunction;
  queryNames: Set<string>;
  body?: ValidateFunction;
  bodyRequired: boolean;
  responses: Map<string, ValidateFunction | null>;
}

export interface ValidatorOptions {
  /** Unknown top-level body properties and unknown query parameters are errors (default true). */
  strict?: boolean;
}

export class OperationValidator {
  private readonly strictAjv: Ajv;
  private readonly coercingAjv: Ajv;
  private readonly responseAjv: Ajv;
  private readonly compiled = new Map<string, CompiledOperation>();
  private readonly strict: boolean;
  private readonly registeredComponents = new Map<Ajv, Set<string>>();

  constructor(
    private readonly spec: GitHubSpec,
    options: ValidatorOptions = {},
  ) {
    this.strict = options.strict ?? true;
    // inlineRefs false: each component becomes one shared function instead of being inlined per operation.
    const common = { strict: false, allErrors: true, inlineRefs: false, validateSchema: false, logger: false as const, unicodeRegExp: false };
    this.strictAjv = new Ajv(common);
    this.coercingAjv = new Ajv({ ...common, coerceTypes: 'array', useDefaults: false });
    // Responses: the first problem is enough, and compiling without allErrors is about twice as fast.
    this.responseAjv = new Ajv({ ...common, allErrors: false });
    addFormats(this.strictAjv);
    addFormats(this.responseAjv);
    addFormats(this.coercingAjv);
  }

  /** Problems with the request, as readable lines; empty when it conforms. */
  validateRequest(entry: IndexedOperation, parts: RequestParts): string[] {
    const op = this.compile(entry);
    const problems: string[] = [];
    // Validate copies: coercion must not rewrite what the handlers and the request log see.
    const params: JsonObject = { ...parts.params };
    if (!op.params(params)) problems.push(...describe('path', op.params.errors));
    const query: JsonObject = { ...parts.query };
    if (!op.query(query)) problems.push(...describe('query', op.query.errors));
    if (this.strict) {
      for (const name of Object.keys(parts.query)) if (!op.queryNames.has(name)) problems.push(`query: unknown parameter "${name}"`);
    }
    if (parts.body === undefined) {
      if (op.bodyRequired) problems.push('body: a JSON body is required');
    } else if (!op.body) {
      problems.push(`body: ${entry.method} ${entry.template} takes no body`);
    } else if (!op.body(parts.body)) {
      problems.push(...describe('body', op.body.errors));
    }
    return problems;
  }

  /** Problems with a response body of the given status, checked against the description's schema for it. */
  validateResponse(entry: IndexedOperation, status: number, body: unknown): string[] {
    const op = this.compile(entry);
    const key = String(status);
    if (!op.responses.has(key)) {
      const responses = (entry.operation.responses ?? {}) as JsonObject;
      const declared = responses[key] ?? responses[`${key[0]}XX`] ?? responses.default;
      if (declared === undefined) {
        op.responses.set(key, null);
        return [`response: status ${status} is not declared for ${entry.operation.operationId}`];
      }
      const response = resolveRef<JsonObject>(this.spec.doc, declared as JsonObject);
      const content = response.content as Record<string, { schema?: JsonObject }> | undefined;
      const schema = content?.['application/json']?.schema;
      op.responses.set(key, schema ? this.compileSchema(this.responseAjv, schema, false) : null);
    }
    const validate = op.responses.get(key);
    if (!validate) return [];
    return validate(body) ? [] : describe('response', validate.errors);
  }

  private compile(entry: IndexedOperation): CompiledOperation {
    const id = entry.operation.operationId;
    const existing = this.compiled.get(id);
    if (existing) return existing;
    const doc = this.spec.doc;
    const parameters = (entry.operation.parameters ?? []).map((p) => resolveRef<OpenApiParameter>(doc, p));
    const objectOf = (where: 'path' | 'query'): JsonObject => {
      const properties: JsonObject = {};
      const required: string[] = [];
      for (const p of parameters) {
        if (p.in !== where) continue;
        properties[p.name] = p.schema ?? {};
        if (p.required || where === 'path') required.push(p.name);
      }
      return { type: 'object', properties, required };
    };
    let body: ValidateFunction | undefined;
    let bodyRequired = false;
    if (entry.operation.requestBody) {
      const requestBody = resolveRef<{ required?: boolean; content?: Record<string, { schema?: JsonObject }> }>(doc, entry.operation.requestBody);
      bodyRequired = requestBody.required === true;
      const schema = requestBody.content?.['application/json']?.schema;
      // Non-JSON bodies (uploads) are accepted as they are.
      body = schema ? this.compileSchema(this.strictAjv, schema, this.strict) : this.strictAjv.compile({});
    }
    const queryNames = new Set(parameters.filter((p) => p.in === 'query').map((p) => p.name));
    const compiled: CompiledOperation = {
      params: this.compileSchema(this.coercingAjv, objectOf('path'), false),
      query: this.compileSchema(this.coercingAjv, objectOf('query'), false),
      queryNames,
      body,
      bodyRequired,
      responses: new Map(),
    };
    this.compiled.set(id, compiled);
    return compiled;
  }

  private compileSchema(ajv: Ajv, schema: JsonObject, closeTopLevelObject: boolean): ValidateFunction {
    const formats = new Set<string>();
    const pending: string[] = [];
    const registered = this.registered(ajv);
    const onComponent = (name: string) => {
      if (!registered.has(name)) {
        registered.add(name);
        pending.push(name);
      }
    };
    const root = convertWithExternalRefs(schema, onComponent, { closeTopLevelObject, formats });
    // Register every component reached, once per Ajv instance; Ajv compiles each at most once.
    while (pending.length > 0) {
      const name = pending.pop() as string;
      ajv.addSchema(convertWithExternalRefs(componentSchema(this.spec.doc, name), onComponent, { formats }), componentSchemaId(name));
    }
    for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
    return ajv.compile(root);
  }

  private registered(ajv: Ajv): Set<string> {
    let set = this.registeredComponents.get(ajv);
    if (!set) {
      set = new Set();
      this.registeredComponents.set(ajv, set);
    }
    return set;
  }
}

function describe(where: string, errors: ErrorObject[] | null | undefined): string[] {
  if (!errors || errors.length === 0) return [`${where}: invalid`];
  // oneOf/anyOf failures repeat every branch's complaint; keep each line once.
  const lines = errors.map((e) => {
    const at = e.instancePath ? e.instancePath : '';
    const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
    return `${where}${at}: ${e.message ?? e.keyword}${extra}`;
  });
  return [...new Set(lines)];
}
