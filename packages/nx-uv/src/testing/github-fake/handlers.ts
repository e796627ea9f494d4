/**
 * What the fake GitHub does for each operation it implements, keyed by the description's
 * `operationId`. Handlers answer like GitHub, including its 404/422 replies. Test-only.
 */
import { branchSha, objectType, readRef, resolveCommitish, writeRef, writeTagObject } from './refs';
import {
  fakeSha,
  renderLabel,
  renderPull,
  renderRef,
  renderRelease,
  renderReleaseAsset,
  renderRepository,
  renderTagObject,
  type RenderContext,
} from './render';
import { fullName, type FakeLabel, type FakePull, type FakeRelease, type FakeReleaseAsset, type FakeRepository, type FakeUser } from './state';

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A GitHub error reply (a realistic answer, not a failure of the test). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.message));
  }
}

export interface FakeEnvironment {
  render: RenderContext;
  viewer: FakeUser;
  nextId(): number;
  now(): string;
  findRepository(owner: string, name: string): FakeRepository | undefined;
}

export interface HandlerContext {
  env: FakeEnvironment;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body: unknown;
  /** The request URL as the client sent it (absolute), for pagination links. */
  url: URL;
  /** The body as sent (an asset upload's bytes; JSON bodies are also parsed into `body`). */
  raw: Buffer;
  /** Lower-case request headers, without `authorization`. */
  headers: Record<string, string>;
}

type Handler = (ctx: HandlerContext) => Promise<HandlerResult> | HandlerResult;

const DOCS = 'https://docs.github.com/rest';

export function notFound(message = 'Not Found'): HttpError {
  return new HttpError(404, { message, documentation_url: DOCS, status: '404' });
}

function validationFailed(errors: Array<Record<string, unknown>>, message = 'Validation Failed'): HttpError {
  return new HttpError(422, { message, errors, documentation_url: DOCS, status: '422' });
}

function repoOf(ctx: HandlerContext): FakeRepository {
  const repo = ctx.env.findRepository(ctx.params.owner, ctx.params.repo);
  if (!repo) throw notFound();
  return repo;
}

function bodyOf(ctx: HandlerContext): Record<string, unknown> {
  return (ctx.body ?? {}) as Record<string, unknown>;
}

function str(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** Slices a list by `page`/`per_page` and sets a `Link` header like GitHub's. */
function paginate<T>(ctx: HandlerContext, items: T[], render: (item: T) => unknown): HandlerResult {
  const perPage = Math.min(100, Math.max(1, Number(str(ctx.query.per_page) ?? 30)));
  const page = Math.max(1, Number(str(ctx.query.page) ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const links: string[] = [];
  const link = (p: number, rel: string) => {
    const u = new URL(ctx.url.toString());
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    links.push(`<${u.toString()}>; rel="${rel}"`);
  };
  if (page < last) {
    link(page + 1, 'next');
    link(last, 'last');
  }
  if (page > 1) {
    link(1, 'first');
    link(page - 1, 'prev');
  }
  return { status: 200, body: slice.map(render), headers: links.length ? { link: links.join(', ') } : undefined };
}

function pullOf(repo: FakeRepository, number: string): FakePull {
  const pull = repo.pulls.get(Number(number));
  if (!pull) throw notFound();
  return pull;
}

function ensureLabel(env: FakeEnvironment, repo: FakeRepository, name: string): FakeLabel {
  const key = name.toLowerCase();
  let label = repo.labels.get(key);
  if (!label) {
    label = { id: env.nextId(), name, color: 'ededed', description: null };
    repo.labels.set(key, label);
  }
  return label;
}

function labelsOnIssue(ctx: HandlerContext, repo: FakeRepository, pull: FakePull): HandlerResult {
  const labels = pull.labels.map((n) => repo.labels.get(n.toLowerCase())).filter((l): l is FakeLabel => !!l);
  return paginate(ctx, labels, (l) => renderLabel(ctx.env.render, repo, l));
}

/** `owner:branch` or `branch`; forks are not modelled. */
function parseHead(repo: FakeRepository, head: string): string {
  const colon = head.indexOf(':');
  if (colon < 0) return head;
  const owner = head.slice(0, colon);
  if (owner.toLowerCase() !== repo.owner.login.toLowerCase()) {
    throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  }
  return head.slice(colon + 1);
}

/**
 * With a git dir, an open pull request follows its head branch as on GitHub: a (force-)push to the
 * branch moves `head.sha`. A branch that is gone leaves the last known sha.
 */
async function followHeads(repo: FakeRepository, pulls: Iterable<FakePull>): Promise<void> {
  if (!repo.gitDir) return;
  for (const pull of pulls) {
    if (pull.state !== 'open') continue;
    const sha = await branchSha(repo, pull.head);
    if (sha) pull.headSha = sha;
  }
}

function releaseOf(repo: FakeRepository, id: string): FakeRelease {
  const release = repo.releases.get(Number(id));
  if (!release) throw notFound();
  return release;
}

function assetOf(repo: FakeRepository, id: string): { release: FakeRelease; asset: FakeReleaseAsset } {
  for (const release of repo.releases.values()) {
    const asset = release.assets.find((a) => a.id === Number(id));
    if (asset) return { release, asset };
  }
  throw notFound();
}

const handlers: Record<string, Handler> = {
  'repos/get': (ctx) => ({ status: 200, body: renderRepository(ctx.env.render, repoOf(ctx), true) }),

  'pulls/list': async (ctx) => {
    const repo = repoOf(ctx);
    await followHeads(repo, repo.pulls.values());
    const state = str(ctx.query.state) ?? 'open';
    const head = str(ctx.query.head);
    const base = str(ctx.query.base);
    const direction = str(ctx.query.direction) ?? (str(ctx.query.sort) && str(ctx.query.sort) !== 'created' ? 'asc' : 'desc');
    const sortKey = str(ctx.query.sort) === 'updated' ? 'updatedAt' : 'createdAt';
    let pulls = [...repo.pulls.values()].filter((p) => state === 'all' || p.state === state);
    const colon = head === undefined ? -1 : head.indexOf(':');
    if (head !== undefined && colon >= 0) {
      // GitHub filters by `user:ref` and silently ignores a value without the owner (as here).
      const owner = head.slice(0, colon);
      const branch = head.slice(colon + 1);
      pulls = pulls.filter((p) => owner.toLowerCase() === repo.owner.login.toLowerCase() && (branch === '' || p.head === branch));
    }
    if (base !== undefined) pulls = pulls.filter((p) => p.base === base);
    pulls.sort((a, b) => (a[sortKey] === b[sortKey] ? a.number - b.number : a[sortKey] < b[sortKey] ? -1 : 1));
    if (direction === 'desc') pulls.reverse();
    return paginate(ctx, pulls, (p) => renderPull(ctx.env.render, repo, p, false));
  },

  'pulls/create': async (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    if (body.issue !== undefined) throw validationFailed([{ resource: 'PullRequest', field: 'issue', code: 'unsupported_by_fake' }]);
    if (typeof body.title !== 'string' || body.title === '') throw validationFailed([{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
    const head = parseHead(repo, String(body.head));
    const base = String(body.base);
    const baseSha = await branchSha(repo, base);
    if (!baseSha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
    const headSha = await branchSha(repo, head);
    if (!headSha) throw validationFailed([{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
    if (head === base || headSha === baseSha) {
      throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
    }
    for (const p of repo.pulls.values()) {
      if (p.state === 'open' && p.head === head && p.base === base) {
        throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repo.owner.login}:${head}.` }]);
      }
    }
    const now = ctx.env.now();
    const pull: FakePull = {
      number: repo.nextNumber++,
      id: ctx.env.nextId(),
      title: body.title,
      body: typeof body.body === 'string' ? body.body : null,
      head,
      headSha,
      base,
      baseSha,
      state: 'open',
      draft: body.draft === true,
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
      labels: [],
      user: ctx.env.viewer,
      maintainerCanModify: body.maintainer_can_modify !== false,
    };
    repo.pulls.set(pull.number, pull);
    return {
      status: 201,
      body: renderPull(ctx.env.render, repo, pull, true),
      headers: { location: `${ctx.env.render.api}/repos/${fullName(repo)}/pulls/${pull.number}` },
    };
  },

  'pulls/get': async (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(repo, ctx.params.pull_number);
    await followHeads(repo, [pull]);
    return { status: 200, body: renderPull(ctx.env.render, repo, pull, true) };
  },

  'pulls/update': async (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(repo, ctx.params.pull_number);
    await followHeads(repo, [pull]);
    const body = bodyOf(ctx);
    if (typeof body.title === 'string') pull.title = body.title;
    if (typeof body.body === 'string') pull.body = body.body;
    if (typeof body.base === 'string' && body.base !== pull.base) {
      const sha = await branchSha(repo, body.base);
      if (!sha) throw validationFailed([{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      pull.base = body.base;
      pull.baseSha = sha;
    }
    if (typeof body.maintainer_can_modify === 'boolean') pull.maintainerCanModify = body.maintainer_can_modify;
    if (body.state === 'closed' && pull.state === 'open') {
      pull.state = 'closed';
      pull.closedAt = ctx.env.now();
    } else if (body.state === 'open' && pull.state === 'closed') {
      if (pull.merged) throw validationFailed([{ resource: 'PullRequest', code: 'custom', message: 'Cannot reopen a merged pull request' }]);
      pull.state = 'open';
      pull.closedAt = null;
    }
    pull.updatedAt = ctx.env.now();
    return { status: 200, body: renderPull(ctx.env.render, repo, pull, true) };
  },

  'repos/list-pull-requests-associated-with-commit': async (ctx) => {
    const repo = repoOf(ctx);
    await followHeads(repo, repo.pulls.values());
    const sha = ctx.params.commit_sha;
    const pulls = [...repo.pulls.values()].filter((p) => p.mergeCommitSha === sha || p.headSha === sha).reverse();
    return paginate(ctx, pulls, (p) => renderPull(ctx.env.render, repo, p, false));
  },

  'issues/list-labels-on-issue': (ctx) => {
    const repo = repoOf(ctx);
    return labelsOnIssue(ctx, repo, pullOf(repo, ctx.params.issue_number));
  },

  'issues/add-labels': (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(repo, ctx.params.issue_number);
    const raw = (bodyOf(ctx).labels ?? []) as Array<string | { name: string }>;
    for (const item of raw) {
      const label = ensureLabel(ctx.env, repo, typeof item === 'string' ? item : item.name);
      if (!pull.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) pull.labels.push(label.name);
    }
    pull.updatedAt = ctx.env.now();
    return labelsOnIssue(ctx, repo, pull);
  },

  'issues/set-labels': (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(repo, ctx.params.issue_number);
    const raw = ((bodyOf(ctx).labels ?? []) as Array<string | { name: string }>).map((i) => (typeof i === 'string' ? i : i.name));
    pull.labels = [];
    for (const name of raw) pull.labels.push(ensureLabel(ctx.env, repo, name).name);
    pull.updatedAt = ctx.env.now();
    return labelsOnIssue(ctx, repo, pull);
  },

  'issues/remove-label': (ctx) => {
    const repo = repoOf(ctx);
    const pull = pullOf(repo, ctx.params.issue_number);
    const index = pull.labels.findIndex((l) => l.toLowerCase() === ctx.params.name.toLowerCase());
    if (index < 0) throw notFound('Label does not exist');
    pull.labels.splice(index, 1);
    pull.updatedAt = ctx.env.now();
    return labelsOnIssue(ctx, repo, pull);
  },

  'issues/list-labels-for-repo': (ctx) => {
    const repo = repoOf(ctx);
    return paginate(ctx, [...repo.labels.values()], (l) => renderLabel(ctx.env.render, repo, l));
  },

  'issues/get-label': (ctx) => {
    const repo = repoOf(ctx);
    const label = repo.labels.get(ctx.params.name.toLowerCase());
    if (!label) throw notFound();
    return { status: 200, body: renderLabel(ctx.env.render, repo, label) };
  },

  'issues/create-label': (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    const name = String(body.name);
    if (repo.labels.has(name.toLowerCase())) throw validationFailed([{ resource: 'Label', code: 'already_exists', field: 'name' }]);
    const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : 'ededed';
    if (!/^[0-9a-fA-F]{6}$/.test(color)) throw validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }]);
    const description = typeof body.description === 'string' ? body.description : null;
    if (description && description.length > 100) throw validationFailed([{ resource: 'Label', code: 'invalid', field: 'description' }]);
    const label: FakeLabel = { id: ctx.env.nextId(), name, color: color.toLowerCase(), description };
    repo.labels.set(name.toLowerCase(), label);
    return { status: 201, body: renderLabel(ctx.env.render, repo, label) };
  },

  'git/get-ref': async (ctx) => {
    const repo = repoOf(ctx);
    const ref = `refs/${ctx.params.ref}`;
    const sha = await readRef(repo, ref);
    if (!sha) throw notFound();
    return { status: 200, body: renderRef(ctx.env.render, repo, ref, sha, (await objectType(repo, sha)) ?? 'commit') };
  },

  'git/create-ref': async (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    const ref = String(body.ref);
    const sha = String(body.sha);
    if (!ref.startsWith('refs/') || ref.split('/').length < 3) {
      throw validationFailed([], "Reference name must start with 'refs/' and have at least two slashes.");
    }
    if (await readRef(repo, ref)) throw validationFailed([], 'Reference already exists');
    const type = await objectType(repo, sha);
    if (!type) throw validationFailed([], 'Object does not exist');
    await writeRef(repo, ref, sha);
    return { status: 201, body: renderRef(ctx.env.render, repo, ref, sha, type) };
  },

  'git/create-tag': async (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    const tagger = (body.tagger as { name: string; email: string; date?: string } | undefined) ?? {
      name: ctx.env.viewer.login,
      email: `${ctx.env.viewer.login}@users.noreply.github.com`,
    };
    const input = {
      tag: String(body.tag),
      message: String(body.message),
      object: String(body.object),
      type: String(body.type),
      tagger: { name: tagger.name, email: tagger.email, date: tagger.date ?? ctx.env.now() },
    };
    if (!(await objectType(repo, input.object))) throw validationFailed([], 'Object does not exist');
    const sha = await writeTagObject(repo, input);
    const tag = { sha, tag: input.tag, message: input.message, object: { sha: input.object, type: input.type }, tagger: input.tagger };
    repo.tagObjects.set(sha, tag);
    return { status: 201, body: renderTagObject(ctx.env.render, repo, tag) };
  },

  'repos/create-release': async (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    const tagName = String(body.tag_name);
    for (const r of repo.releases.values()) {
      if (r.tagName === tagName) throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
    }
    const target = typeof body.target_commitish === 'string' ? body.target_commitish : repo.defaultBranch;
    const draft = body.draft === true;
    if (!draft && !(await readRef(repo, `refs/tags/${tagName}`))) {
      // GitHub creates a missing tag from target_commitish when it publishes the release.
      const sha = await resolveCommitish(repo, target);
      if (!sha) throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
      await writeRef(repo, `refs/tags/${tagName}`, sha);
    }
    const now = ctx.env.now();
    const release: FakeRelease = {
      id: ctx.env.nextId(),
      tagName,
      targetCommitish: target,
      name: typeof body.name === 'string' ? body.name : null,
      body: typeof body.body === 'string' ? body.body : null,
      draft,
      prerelease: body.prerelease === true,
      makeLatest: (body.make_latest as FakeRelease['makeLatest'] | undefined) ?? 'true',
      createdAt: now,
      publishedAt: draft ? null : now,
      author: ctx.env.viewer,
      assets: [],
    };
    repo.releases.set(release.id, release);
    return {
      status: 201,
      body: renderRelease(ctx.env.render, repo, release),
      headers: { location: `${ctx.env.render.api}/repos/${fullName(repo)}/releases/${release.id}` },
    };
  },

  'repos/get-release': (ctx) => {
    const repo = repoOf(ctx);
    return { status: 200, body: renderRelease(ctx.env.render, repo, releaseOf(repo, ctx.params.release_id)) };
  },

  'repos/get-release-by-tag': (ctx) => {
    const repo = repoOf(ctx);
    // Only published releases are found by tag, as on GitHub.
    const release = [...repo.releases.values()].find((r) => r.tagName === ctx.params.tag && !r.draft);
    if (!release) throw notFound();
    return { status: 200, body: renderRelease(ctx.env.render, repo, release) };
  },

  'repos/list-releases': (ctx) => {
    const repo = repoOf(ctx);
    const releases = [...repo.releases.values()].sort((a, b) => b.id - a.id);
    return paginate(ctx, releases, (r) => renderRelease(ctx.env.render, repo, r));
  },

  'repos/update-release': async (ctx) => {
    const repo = repoOf(ctx);
    const release = releaseOf(repo, ctx.params.release_id);
    const body = bodyOf(ctx);
    if (typeof body.tag_name === 'string' && body.tag_name !== release.tagName) {
      for (const r of repo.releases.values()) {
        if (r !== release && r.tagName === body.tag_name) throw validationFailed([{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
      }
      release.tagName = body.tag_name;
    }
    if (typeof body.target_commitish === 'string') release.targetCommitish = body.target_commitish;
    if (typeof body.name === 'string') release.name = body.name;
    if (typeof body.body === 'string') release.body = body.body;
    if (typeof body.prerelease === 'boolean') release.prerelease = body.prerelease;
    if (typeof body.make_latest === 'string') release.makeLatest = body.make_latest as FakeRelease['makeLatest'];
    if (typeof body.draft === 'boolean' && body.draft !== release.draft) {
      release.draft = body.draft;
      release.publishedAt = body.draft ? null : ctx.env.now();
      if (!body.draft && !(await readRef(repo, `refs/tags/${release.tagName}`))) {
        const sha = await resolveCommitish(repo, release.targetCommitish);
        if (!sha) throw validationFailed([{ resource: 'Release', code: 'invalid', field: 'target_commitish' }]);
        await writeRef(repo, `refs/tags/${release.tagName}`, sha);
      }
    }
    return { status: 200, body: renderRelease(ctx.env.render, repo, release) };
  },

  // Release assets. Uploads reach the fake on its uploads base (`upload_url`), as on GitHub; the server
  // refuses them anywhere else.
  'repos/upload-release-asset': (ctx) => {
    const repo = repoOf(ctx);
    const release = releaseOf(repo, ctx.params.release_id);
    const name = str(ctx.query.name) ?? '';
    const contentType = ctx.headers['content-type'];
    if (!contentType)
      throw validationFailed([{ resource: 'ReleaseAsset', code: 'missing_field', field: 'content_type' }], 'Validation Failed: Content-Type is required');
    if (ctx.raw.length === 0) throw validationFailed([{ resource: 'ReleaseAsset', code: 'invalid', field: 'size' }], 'Bad Content-Length');
    if (release.assets.some((a) => a.name === name)) throw validationFailed([{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }]);
    const label = str(ctx.query.label);
    const asset: FakeReleaseAsset = {
      id: ctx.env.nextId(),
      name,
      label: label === undefined || label === '' ? null : label,
      contentType,
      data: Buffer.from(ctx.raw),
      createdAt: ctx.env.now(),
      uploader: ctx.env.viewer,
    };
    release.assets.push(asset);
    return { status: 201, body: renderReleaseAsset(ctx.env.render, repo, release, asset) };
  },

  'repos/list-release-assets': (ctx) => {
    const repo = repoOf(ctx);
    const release = releaseOf(repo, ctx.params.release_id);
    return paginate(ctx, release.assets, (a) => renderReleaseAsset(ctx.env.render, repo, release, a));
  },

  'repos/get-release-asset': (ctx) => {
    const repo = repoOf(ctx);
    const found = assetOf(repo, ctx.params.asset_id);
    return { status: 200, body: renderReleaseAsset(ctx.env.render, repo, found.release, found.asset) };
  },

  'repos/delete-release-asset': (ctx) => {
    const repo = repoOf(ctx);
    const found = assetOf(repo, ctx.params.asset_id);
    found.release.assets.splice(found.release.assets.indexOf(found.asset), 1);
    return { status: 204 };
  },

  'repos/create-dispatch-event': (ctx) => {
    const repo = repoOf(ctx);
    const body = bodyOf(ctx);
    const payloadSize = Buffer.byteLength(JSON.stringify(body.client_payload ?? {}));
    if (payloadSize >= 64 * 1024) throw validationFailed([{ resource: 'Repository', code: 'invalid', field: 'client_payload' }]);
    repo.dispatches.push({
      repository: fullName(repo),
      eventType: String(body.event_type),
      clientPayload: body.client_payload as Record<string, unknown> | undefined,
    });
    return { status: 204 };
  },
};

export function findHandler(operationId: string): Handler | undefined {
  return Object.prototype.hasOwnProperty.call(handlers, operationId) ? handlers[operationId] : undefined;
}

/** Marks a pull request merged (what a maintainer's click does). */
export function mergePullState(env: FakeEnvironment, repo: FakeRepository, pull: FakePull, mergeCommitSha?: string): void {
  if (pull.state !== 'open') throw new Error(`fake GitHub: pull request #${pull.number} of ${fullName(repo)} is not open`);
  const now = env.now();
  pull.state = 'closed';
  pull.merged = true;
  pull.mergedAt = now;
  pull.closedAt = now;
  pull.updatedAt = now;
  pull.mergeCommitSha = mergeCommitSha ?? fakeSha('merge', repo.id, pull.number);
}
