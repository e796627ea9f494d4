/**
 * A local, stateful fake of the GitHub REST API for tests. Every request is matched to an operation
 * of GitHub's published OpenAPI description and validated against it (path parameters, query, JSON
 * body); a request that matches nothing or does not conform is answered 404/422 *and* recorded in
 * `errors`, so `assertNoErrors()` fails the test. Responses can be validated too (default on) so the
 * fake's bodies stay realistic. Release asset uploads go to the release's `upload_url`, which the fake
 * serves on its own port under `/uploads` (GitHub.com has a host of its own for them, GitHub Enterprise
 * `/api/uploads`); an upload sent to the API path, or anything else sent there, is an error. Test-only.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { findHandler, HttpError, mergePullState, type FakeEnvironment, type HandlerResult } from './handlers';
import { fakeSha } from './render';
import { loadGitHubSpec, matchOperation, type GitHubSpec } from './spec';
import { fullName, type FakeDispatch, type FakePull, type FakeRelease, type FakeRepository, type FakeUser } from './state';
import { OperationValidator } from './validate';

export interface FakeRepositoryInit {
  /** `owner/name`. */
  fullName: string;
  defaultBranch?: string;
  private?: boolean;
  /** Bare git repository backing branches and tags (PR heads must then exist there). */
  gitDir?: string;
}

export interface FakeGitHubOptions {
  /** Repositories that exist; default one, `octo-org/octo-repo`. Requests to others get 404. */
  repositories?: Array<string | FakeRepositoryInit>;
  /** Login of the authenticated user (authors of PRs and releases). Default `nx-uv-bot`. */
  login?: string;
  /** When set, only this token is accepted (else any `token x`/`Bearer x` is). */
  token?: string;
  /** Serve under a path prefix, as GitHub Enterprise does (`/api/v3`). */
  pathPrefix?: string;
  /** Base of `html_url`s. Default `https://github.com`. */
  htmlUrl?: string;
  /** Check 2xx response bodies against the description (errors recorded). Default true. */
  validateResponses?: boolean;
  /** Unknown body properties and query parameters are errors. Default true. */
  strict?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** Decoded path without the prefix and query (`/repos/o/r/issues/1/labels/autorelease: pending`). */
  path: string;
  /** The path as sent, still percent-encoded. */
  rawPath: string;
  operationId?: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: unknown;
  /** Lower-case headers, without `authorization`. */
  headers: Record<string, string>;
  /** Whether an Authorization header was sent (its value is never recorded). */
  authorization: boolean;
  status: number;
}

export interface FakeGitHubError {
  method: string;
  path: string;
  operationId?: string;
  status: number;
  message: string;
}

export interface FakeGitHub {
  /** API base URL to give Octokit as `baseUrl` / to put in `GITHUB_API_URL`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly errors: FakeGitHubError[];
  /** Throws, listing them, when any request did not conform or hit something the fake lacks. */
  assertNoErrors(): void;
  /** Requests for one operation (`pulls/create`, `issues/add-labels`, ...). */
  requestsFor(operationId: string): RecordedRequest[];
  /** Forgets recorded requests and errors (state stays). */
  clearRecords(): void;
  repository(fullName?: string): FakeRepository;
  addRepository(init: string | FakeRepositoryInit): FakeRepository;
  pulls(fullName?: string): FakePull[];
  releases(fullName?: string): FakeRelease[];
  dispatches(fullName?: string): FakeDispatch[];
  /** Label names of an issue or pull request. */
  labelsOf(number: number, fullName?: string): string[];
  /** Merges an open pull request (state closed, merged, merge commit sha). */
  mergePull(number: number, options?: { repository?: string; mergeCommitSha?: string }): FakePull;
  /** The next `times` (default 1) valid requests for `operationId` get `status` instead of being handled. */
  injectFailure(failure: { operationId: string; status: number; times?: number; message?: string; headers?: Record<string, string> }): void;
  close(): Promise<void>;
}

const MAX_BODY = 10 * 1024 * 1024;

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const spec: GitHubSpec = loadGitHubSpec();
  const validator = sharedValidator(spec, options.strict ?? true);
  const validateResponses = options.validateResponses ?? true;
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const uploadsPrefix = /\/v3$/.test(prefix) ? prefix.replace(/\/v3$/, '/uploads') : `${prefix}/uploads`;
  const requests: RecordedRequest[] = [];
  const failures: Array<{ operationId: string; status: number; times: number; message: string; headers?: Record<string, string> }> = [];
  const errors: FakeGitHubError[] = [];
  const repositories = new Map<string, FakeRepository>();
  let nextId = 1000;
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const viewer: FakeUser = { login: options.login ?? 'nx-uv-bot', id: nextId++ };
  const users = new Map<string, FakeUser>([[viewer.login.toLowerCase(), viewer]]);

  const env: FakeEnvironment = {
    render: { api: '', uploads: '', html: (options.htmlUrl ?? 'https://github.com').replace(/\/+$/, '') },
    viewer,
    nextId: () => nextId++,
    // A clock that moves one second per reading, so ordering by time is deterministic.
    now: () => new Date((clock += 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    findRepository: (owner, name) => repositories.get(`${owner}/${name}`.toLowerCase()),
  };

  const addRepository = (init: string | FakeRepositoryInit): FakeRepository => {
    const i = typeof init === 'string' ? { fullName: init } : init;
    const m = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(i.fullName);
    if (!m) throw new Error(`fake GitHub: repository must be "owner/name", got "${i.fullName}"`);
    const ownerKey = m[1].toLowerCase();
    let owner = users.get(ownerKey);
    if (!owner) {
      owner = { login: m[1], id: nextId++ };
      users.set(ownerKey, owner);
    }
    const repo: FakeRepository = {
      id: nextId++,
      owner,
      name: m[2],
      defaultBranch: i.defaultBranch ?? 'main',
      private: i.private ?? false,
      gitDir: i.gitDir,
      refs: new Map(),
      tagObjects: new Map(),
      labels: new Map(),
      nextNumber: 1,
      pulls: new Map(),
      releases: new Map(),
      dispatches: [],
      createdAt: env.now(),
    };
    if (!i.gitDir) repo.refs.set(`refs/heads/${repo.defaultBranch}`, fakeSha(repo.id, 'initial'));
    repositories.set(i.fullName.toLowerCase(), repo);
    return repo;
  };
  for (const r of options.repositories ?? ['octo-org/octo-repo']) addRepository(r);
  const firstRepo = [...repositories.values()][0];

  const repository = (name?: string): FakeRepository => {
    const repo = name ? repositories.get(name.toLowerCase()) : firstRepo;
    if (!repo) throw new Error(`fake GitHub: no repository ${name}`);
    return repo;
  };

  const reply = (res: http.ServerResponse, result: HandlerResult): void => {
    const headers: Record<string, string> = {
      'x-github-request-id': `FAKE:${requests.length + 1}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-github-api-version-selected': '2022-11-28',
      ...result.headers,
    };
    if (result.body === undefined) {
      res.writeHead(result.status, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(result.body);
    res.writeHead(result.status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };

  const handle = async (req: http.IncomingMessage, raw: Buffer): Promise<{ record: RecordedRequest; result: HandlerResult }> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const base = `http://${req.headers.host ?? '127.0.0.1'}`;
    const url = new URL(req.url ?? '/', base);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k !== 'authorization' && v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const query: Record<string, string | string[]> = {};
    for (const [k, v] of url.searchParams) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
    const rawPathWithPrefix = url.pathname;
    const record: RecordedRequest = {
      method,
      path: safeDecode(rawPathWithPrefix),
      rawPath: rawPathWithPrefix,
      params: {},
      query,
      body: undefined,
      headers,
      authorization: req.headers.authorization !== undefined,
      status: 0,
    };
    const fail = (status: number, message: string, recordError: boolean): { record: RecordedRequest; result: HandlerResult } => {
      if (recordError) errors.push({ method, path: record.path, operationId: record.operationId, status, message });
      return { record, result: { status, body: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) } } };
    };

    const upload = rawPathWithPrefix.startsWith(`${uploadsPrefix}/`);
    if (!upload && prefix && !(rawPathWithPrefix === prefix || rawPathWithPrefix.startsWith(`${prefix}/`))) {
      return fail(404, `no operation of the GitHub description matches ${method} ${record.path}: the path lacks the prefix ${prefix}`, true);
    }
    const rawPath = rawPathWithPrefix.slice(upload ? uploadsPrefix.length : prefix.length) || '/';
    record.path = safeDecode(rawPath);
    record.rawPath = rawPath;

    // An upload's body is the asset's bytes, whatever they are; every other body is JSON.
    if (raw.length > 0 && !upload) {
      try {
        record.body = JSON.parse(raw.toString('utf8'));
      } catch {
        return fail(400, `Problems parsing JSON (${method} ${record.path})`, true);
      }
    }

    const match = matchOperation(spec, method, rawPath);
    if (!match) return fail(404, `no operation of the GitHub description matches ${method} ${record.path}`, true);
    record.operationId = match.entry.operation.operationId;
    record.params = match.params;
    if (upload !== (record.operationId === 'repos/upload-release-asset')) {
      return fail(
        404,
        upload
          ? `${method} ${record.path} (${record.operationId}) was sent to the uploads base ${uploadsPrefix}, which serves asset uploads only`
          : `${method} ${record.path} (upload-release-asset) must go to the release's upload_url (${uploadsPrefix}/...), not to the API`,
        true,
      );
    }

    const auth = req.headers.authorization ?? '';
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(auth)?.[1];
    if (!token || (options.token !== undefined && token !== options.token)) {
      return fail(401, token ? 'Bad credentials' : 'Requires authentication', false);
    }

    const problems = validator.validateRequest(match.entry, { params: match.params, query, body: upload ? (raw.length > 0 ? raw : undefined) : record.body });
    if (problems.length > 0) {
      return fail(422, `Invalid request to ${match.entry.operation.operationId} (${method} ${match.entry.template}):\n  ${problems.join('\n  ')}`, true);
    }

    const injected = failures.find((f) => f.operationId === match.entry.operation.operationId && f.times > 0);
    if (injected) {
      injected.times--;
      return {
        record,
        result: { status: injected.status, headers: injected.headers, body: { message: injected.message, documentation_url: 'https://docs.github.com/rest' } },
      };
    }

    const handler = findHandler(match.entry.operation.operationId);
    if (!handler) return fail(501, `the fake GitHub does not implement ${match.entry.operation.operationId} (${method} ${match.entry.template})`, true);

    env.render.api = `${base}${prefix}`;
    env.render.uploads = `${base}${uploadsPrefix}`;
    let result: HandlerResult;
    try {
      result = await handler({ env, params: match.params, query, body: record.body, url, raw, headers });
    } catch (error) {
      if (error instanceof HttpError) return { record, result: { status: error.status, body: error.body } };
      return fail(500, `the fake GitHub failed on ${match.entry.operation.operationId}: ${(error as Error).stack ?? error}`, true);
    }
    if (validateResponses && result.status < 300) {
      const responseProblems = validator.validateResponse(match.entry, result.status, result.body);
      if (responseProblems.length > 0) {
        errors.push({
          method,
          path: record.path,
          operationId: record.operationId,
          status: result.status,
          message: `the fake's response does not conform:\n  ${responseProblems.slice(0, 20).join('\n  ')}`,
        });
      }
    }
    return { record, result };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      handle(req, Buffer.concat(chunks)).then(
        ({ record, result }) => {
          record.status = result.status;
          requests.push(record);
          reply(res, result);
        },
        (error: unknown) => {
          errors.push({ method: req.method ?? '?', path: req.url ?? '?', status: 500, message: String(error) });
          reply(res, { status: 500, body: { message: 'fake GitHub internal error' } });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const apiUrl = `http://127.0.0.1:${port}${prefix}`;
  env.render.api = apiUrl;
  env.render.uploads = `http://127.0.0.1:${port}${uploadsPrefix}`;

  return {
    url: apiUrl,
    requests,
    errors,
    assertNoErrors() {
      if (errors.length === 0) return;
      const lines = errors.map((e) => `- ${e.method} ${e.path} → ${e.status}: ${e.message}`);
      throw new Error(`the fake GitHub saw ${errors.length} bad request(s):\n${lines.join('\n')}`);
    },
    requestsFor: (operationId) => requests.filter((r) => r.operationId === operationId),
    clearRecords() {
      requests.length = 0;
      errors.length = 0;
    },
    repository,
    addRepository,
    pulls: (name) => [...repository(name).pulls.values()],
    releases: (name) => [...repository(name).releases.values()],
    dispatches: (name) => (name ? repository(name).dispatches : [...repositories.values()].flatMap((r) => r.dispatches)),
    labelsOf(number, name) {
      const pull = repository(name).pulls.get(number);
      if (!pull) throw new Error(`fake GitHub: no pull request #${number} in ${fullName(repository(name))}`);
      return [...pull.labels];
    },
    mergePull(number, opts = {}) {
      const repo = repository(opts.repository);
      const pull = repo.pulls.get(number);
      if (!pull) throw new Error(`fake GitHub: no pull request #${number} in ${fullName(repo)}`);
      mergePullState(env, repo, pull, opts.mergeCommitSha);
      return pull;
    },
    injectFailure(failure) {
      if (!spec.byOperationId.has(failure.operationId)) throw new Error(`fake GitHub: no operation ${failure.operationId} in the description`);
      failures.push({
        operationId: failure.operationId,
        status: failure.status,
        times: failure.times ?? 1,
        message: failure.message ?? `injected failure ${failure.status}`,
        headers: failure.headers,
      });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Compiled validators are shared by every fake of the process (compiling is the expensive part). */
const validators = new Map<boolean, OperationValidator>();
function sharedValidator(spec: GitHubSpec, strict: boolean): OperationValidator {
  let v = validators.get(strict);
  if (!v) {
    v = new OperationValidator(spec, { strict });
    validators.set(strict, v);
  }
  return v;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
