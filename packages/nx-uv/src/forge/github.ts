/**
 * The GitHub client nx-uv uses (on @octokit/rest 20): the release pull request, its labels, GitHub
 * Releases and repository_dispatch. Every method is idempotent, so a re-run after a failure finishes
 * the job instead of duplicating it. Errors name what was attempted and never contain the token.
 * Retries are @octokit/plugin-retry's, rate limits @octokit/plugin-throttling's (their last CommonJS
 * majors, the ones for @octokit/core 5).
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { PULL_REQUEST_BODY_LIMIT, RELEASE_BODY_LIMIT, truncateBody } from './body-limits';
import { redact } from '../redact';
import { GitHubApiError, GitHubConfigError, toApiError } from './errors';
import { RELEASE_LABEL_PENDING, RELEASE_LABEL_STYLES, type LabelStyle } from './labels';
import { summarize, type PullRequestSummary } from './pull-request-summary';
import { formatRepository, parseRepositorySlug, type RepoRef } from './repository';

export interface GitHubLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface GitHubClientOptions {
  /** A token with contents, pull-requests (and issues) write permission. */
  token: string | undefined;
  /** REST API base URL; default `https://api.github.com` (GitHub Enterprise: `https://host/api/v3`). */
  baseUrl?: string;
  /** `owner/name` or a parsed reference. */
  repository: string | RepoRef;
  userAgent?: string;
  /** Receives Octokit's and the client's messages (already redacted). Default: warnings and errors to the console. */
  log?: Partial<GitHubLogger>;
  /** Retries of idempotent requests (GET, HEAD, PATCH, PUT, DELETE) on 5xx, 408, 429 and network errors. Default 2. */
  retries?: number;
  /** First retry delay in ms; the n-th retry waits n² times as long (plugin-retry's schedule). Default 500. */
  retryDelayMs?: number;
  /** How many times a request refused by a rate limit is tried again, after the wait GitHub asks for. Default 1. */
  rateLimitRetries?: number;
  /** Longest wait for a rate limit, in s; a later reset fails at once. Default 60. */
  rateLimitMaxWaitSeconds?: number;
}

export interface ReleasePullRequestInput {
  /** Branch holding the release commit. */
  head: string;
  /** Branch it merges into. */
  base: string;
  title: string;
  body: string;
  /** Labels besides the release label (always added). */
  labels?: string[];
  /** The label that marks a release PR waiting for its release (default `autorelease: pending`). */
  releaseLabel?: string;
}

export interface ReleasePullRequestResult extends PullRequestSummary {
  /** 'created', 'updated' (title/body changed), or 'unchanged'. */
  action: 'created' | 'updated' | 'unchanged';
}

export interface FindMergedReleasePullRequestOptions {
  base: string;
  /** Release branch name; any head when omitted. */
  head?: string;
  /** Label the PR must still carry. Default `autorelease: pending`. */
  label?: string;
  /** Look up the PR by its merge commit first (one request): the commit being released. */
  mergeCommitSha?: string;
  /** How many pages (of 50 recently updated closed PRs) to search. Default 2. */
  maxPages?: number;
}

export interface ReleaseInput {
  tag: string;
  name: string;
  body: string;
  prerelease: boolean;
  /** Commit or branch for GitHub to create the tag on if it does not exist yet. */
  targetCommitish?: string;
  draft?: boolean;
  /** Whether this release becomes the repository's "latest". Default GitHub's (true for a new published full release). */
  makeLatest?: boolean | 'legacy';
}

export interface ReleaseResult {
  id: number;
  /** Web URL of the release. */
  url: string;
  tag: string;
  action: 'created' | 'updated' | 'unchanged';
}

/** 4xx statuses that never heal by waiting (all but 408 and 429): plugin-retry leaves them alone. */
const PERMANENT_STATUSES = Array.from({ length: 100 }, (_, i) => 400 + i).filter((status) => status !== 408 && status !== 429);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PATCH', 'PUT', 'DELETE']);

/**
 * Registered last, so it runs first: gives each request a `request` object of its own (Octokit shares
 * one between requests, and plugin-retry counts attempts on it) and never retries a POST.
 */
function ownRequestState(octokit: { hook: Octokit['hook'] }) {
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, retryCount: 0, ...(IDEMPOTENT.has(String(options.method).toUpperCase()) ? {} : { retries: 0 }) };
  });
  return {};
}

/** Registered before plugin-retry, so it sees every attempt: logs each retry with the failure that caused it. */
function logRetries(
  octokit: { hook: Octokit['hook'] },
  options: { nxUvRetryLog?: (message: string) => void; retry?: { retries?: number } } & Record<string, unknown>,
) {
  const failures = new WeakMap<object, string>();
  octokit.hook.before('request', (request) => {
    const count = (request.request as { retryCount?: number }).retryCount ?? 0;
    if (count > 0) {
      options.nxUvRetryLog?.(
        `GitHub ${request.method} ${request.url} failed (${failures.get(request.request) ?? 'network'}); retrying (${count} of ${request.request.retries ?? options.retry?.retries})`,
      );
    }
  });
  octokit.hook.error('request', (error, request) => {
    const status = (error as { status?: number }).status;
    if (status !== undefined) failures.set(request.request, String(status));
    throw error;
  });
  return {};
}

/**
 * plugin-throttling without its pacing of writes (1 s apart, 3 s for those that notify): nx-uv runs
 * release tasks in parallel processes, which pacing inside one process cannot keep under GitHub's
 * limits anyway, and it would add seconds to every release. Its answer to a limit (wait as long as
 * GitHub asks, then retry) is kept.
 */
const UNPACED = new Bottleneck.Group({ maxConcurrent: null, minTime: 0 });

const ClientOctokit = Octokit.plugin(logRetries, retry, throttling, ownRequestState);

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  return new GitHubClient(options);
}

export class GitHubClient {
  readonly owner: string;
  readonly repo: string;
  readonly baseUrl: string;
  private readonly octokit: Octokit;
  private readonly token: string;
  private readonly log: GitHubLogger;

  constructor(options: GitHubClientOptions) {
    if (!options.token || options.token.trim() === '') {
      throw new GitHubConfigError(
        'no GitHub token: set the GITHUB_TOKEN environment variable to a token with `contents: write` and `pull-requests: write` ' +
          '(in GitHub Actions: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)',
      );
    }
    this.token = options.token.trim();
    const ref = typeof options.repository === 'string' ? parseRepositorySlug(options.repository, 'GITHUB_REPOSITORY / repository') : options.repository;
    this.owner = ref.owner;
    this.repo = ref.repo;
    this.baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    const sink = options.log ?? {};
    const mask = (m: string) => redact(m, [this.token]);
    this.log = {
      debug: (m) => sink.debug?.(mask(m)),
      info: (m) => sink.info?.(mask(m)),
      warn: (m) => (sink.warn ? sink.warn(mask(m)) : console.warn(mask(m))),
      error: (m) => (sink.error ? sink.error(mask(m)) : console.error(mask(m))),
    };
    const retries = options.retries ?? 2;
    const rateLimitRetries = options.rateLimitRetries ?? 1;
    const maxWait = options.rateLimitMaxWaitSeconds ?? 60;
    const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
      const again = retryCount < rateLimitRetries && retryAfter <= maxWait;
      this.log.warn(
        `GitHub ${request.method} ${request.url}: ${kind} rate limit; ${again ? `retrying in ${retryAfter} s` : `giving up (GitHub asks to wait ${retryAfter} s)`}`,
      );
      return again;
    };
    this.octokit = new ClientOctokit({
      auth: this.token,
      baseUrl: this.baseUrl,
      userAgent: options.userAgent ?? 'nx-uv',
      log: {
        debug: (m: string) => this.log.debug(m),
        info: (m: string) => this.log.info(m),
        warn: (m: string) => this.log.warn(m),
        error: (m: string) => this.log.error(m),
      },
      retry: { retries, retryAfterBaseValue: options.retryDelayMs ?? 500, doNotRetry: PERMANENT_STATUSES },
      throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary'), write: UNPACED, notifications: UNPACED },
      nxUvRetryLog: (m: string) => this.log.warn(m),
    });
  }

  /** `owner/name`. */
  get repository(): string {
    return formatRepository({ owner: this.owner, repo: this.repo });
  }

  async getDefaultBranch(): Promise<string> {
    const { data } = await this.call(`read repository ${this.repository}`, () => this.octokit.repos.get({ owner: this.owner, repo: this.repo }));
    return data.default_branch;
  }

  /** The open pull request from branch `head` into `base` of this repository, if any. */
  async findOpenPullRequest(head: string, base: string): Promise<PullRequestSummary | undefined> {
    const { data } = await this.call(`find open pull request ${head} → ${base} in ${this.repository}`, () =>
      this.octokit.pulls.list({ owner: this.owner, repo: this.repo, state: 'open', head: `${this.owner}:${head}`, base, per_page: 100 }),
    );
    // GitHub ignores a malformed head filter; never trust the filter alone.
    const match = data.find((p) => p.head.ref === head && p.base.ref === base && p.head.repo?.full_name?.toLowerCase() === this.repository.toLowerCase());
    return match && summarize(match);
  }

  /**
   * Opens the release pull request, or updates the open one for the same head/base in place (title,
   * body), and makes sure it carries `autorelease: pending` and `labels`.
   */
  async createOrUpdateReleasePullRequest(input: ReleasePullRequestInput): Promise<ReleasePullRequestResult> {
    const body = truncateBody(input.body, PULL_REQUEST_BODY_LIMIT);
    let pr = await this.findOpenPullRequest(input.head, input.base);
    let action: ReleasePullRequestResult['action'];
    if (!pr) {
      try {
        const { data } = await this.call(`create pull request ${input.head} → ${input.base} in ${this.repository}`, () =>
          this.octokit.pulls.create({ owner: this.owner, repo: this.repo, head: input.head, base: input.base, title: input.title, body }),
        );
        pr = summarize(data);
        action = 'created';
      } catch (error) {
        // Another run may have opened it in between: then update that one. GitHub reports a duplicate
        // pull request as a 422 whose only validation error has code "custom" (no "already_exists"),
        // so whether one is open now is asked, not read from the message.
        if (!(error instanceof GitHubApiError && error.status === 422)) throw error;
        pr = await this.findOpenPullRequest(input.head, input.base);
        if (!pr) throw error;
        action = 'unchanged';
      }
    } else {
      action = 'unchanged';
    }
    if (action !== 'created' && (pr.title !== input.title || normalizeNewlines(pr.body) !== normalizeNewlines(body))) {
      const number = pr.number;
      const { data } = await this.call(`update pull request #${number} in ${this.repository}`, () =>
        this.octokit.pulls.update({ owner: this.owner, repo: this.repo, pull_number: number, title: input.title, body }),
      );
      pr = summarize(data);
      action = 'updated';
    }
    const wanted = [input.releaseLabel ?? RELEASE_LABEL_PENDING, ...(input.labels ?? [])];
    const have = pr.labels;
    const missing = wanted.filter((l, i) => wanted.indexOf(l) === i && !have.some((h) => h.toLowerCase() === l.toLowerCase()));
    if (missing.length > 0) {
      for (const label of missing) if (RELEASE_LABEL_STYLES[label]) await this.ensureLabel(label, RELEASE_LABEL_STYLES[label]);
      const number = pr.number;
      const { data } = await this.call(`label pull request #${number} in ${this.repository}`, () =>
        this.octokit.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: number, labels: missing }),
      );
      pr = { ...pr, labels: data.map((l) => l.name) };
    }
    return { ...pr, action };
  }

  /**
   * The merged release pull request still labelled `autorelease: pending` (by default): first by its
   * merge commit when given, else among recently updated closed PRs into `base`.
   */
  async findMergedReleasePullRequest(options: FindMergedReleasePullRequestOptions): Promise<PullRequestSummary | undefined> {
    const label = (options.label ?? RELEASE_LABEL_PENDING).toLowerCase();
    const fits = (p: PullRequestSummary) =>
      p.merged && p.base === options.base && (options.head === undefined || p.head === options.head) && p.labels.some((l) => l.toLowerCase() === label);
    if (options.mergeCommitSha) {
      const sha = options.mergeCommitSha;
      const { data } = await this.call(`find pull requests of commit ${sha} in ${this.repository}`, () =>
        this.octokit.repos.listPullRequestsAssociatedWithCommit({ owner: this.owner, repo: this.repo, commit_sha: sha }),
      );
      const found = data.map(summarize).find(fits);
      if (found) return found;
    }
    const maxPages = options.maxPages ?? 2;
    for (let page = 1; page <= maxPages; page++) {
      const { data } = await this.call(`list closed pull requests into ${options.base} in ${this.repository}`, () =>
        this.octokit.pulls.list({
          owner: this.owner,
          repo: this.repo,
          state: 'closed',
          base: options.base,
          sort: 'updated',
          direction: 'desc',
          per_page: 50,
          page,
        }),
      );
      const found = data.map(summarize).find(fits);
      if (found) return found;
      if (data.length < 50) break;
    }
    return undefined;
  }

  /** Replaces label `from` by `to` on a PR (adds first, so a failure in between leaves both, never neither). */
  async relabel(prNumber: number, from: string, to: string): Promise<void> {
    const style = RELEASE_LABEL_STYLES[to];
    if (style) await this.ensureLabel(to, style);
    await this.call(`add label "${to}" to #${prNumber} in ${this.repository}`, () =>
      this.octokit.issues.addLabels({ owner: this.owner, repo: this.repo, issue_number: prNumber, labels: [to] }),
    );
    try {
      await this.call(`remove label "${from}" from #${prNumber} in ${this.repository}`, () =>
        this.octokit.issues.removeLabel({ owner: this.owner, repo: this.repo, issue_number: prNumber, name: from }),
      );
    } catch (error) {
      // Already gone (a re-run): fine.
      if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    }
  }

  /** Creates a repository label unless it exists (any colour). */
  async ensureLabel(name: string, style: LabelStyle): Promise<void> {
    try {
      await this.call(`read label "${name}" of ${this.repository}`, () => this.octokit.issues.getLabel({ owner: this.owner, repo: this.repo, name }));
      return;
    } catch (error) {
      if (!(error instanceof GitHubApiError && error.status === 404)) throw error;
    }
    try {
      await this.call(`create label "${name}" in ${this.repository}`, () =>
        this.octokit.issues.createLabel({ owner: this.owner, repo: this.repo, name, color: style.color, description: style.description }),
      );
    } catch (error) {
      if (!(error instanceof GitHubApiError && error.hasValidationError('already_exists', 'Label'))) throw error; // created meanwhile
    }
  }

  /**
   * Creates the GitHub Release for `tag`, or brings an existing one up to date (name, body,
   * prerelease); nothing is sent when it already matches.
   */
  async createRelease(input: ReleaseInput): Promise<ReleaseResult> {
    const body = truncateBody(input.body, RELEASE_BODY_LIMIT);
    let existing = await this.findReleaseByTag(input.tag);
    if (!existing) {
      try {
        const { data } = await this.call(`create release ${input.tag} in ${this.repository}`, () =>
          this.octokit.repos.createRelease({
            owner: this.owner,
            repo: this.repo,
            tag_name: input.tag,
            name: input.name,
            body,
            prerelease: input.prerelease,
            draft: input.draft ?? false,
            ...(input.targetCommitish ? { target_commitish: input.targetCommitish } : {}),
            ...makeLatest(input),
          }),
        );
        return { id: data.id, url: data.html_url, tag: input.tag, action: 'created' };
      } catch (error) {
        // A release for the tag exists after all (a draft, or a concurrent run).
        if (!(error instanceof GitHubApiError && error.status === 422)) throw error;
        existing = await this.findReleaseInList(input.tag);
        if (!existing) throw error;
      }
    }
    const same =
      existing.name === input.name &&
      normalizeNewlines(existing.body ?? '') === normalizeNewlines(body) &&
      existing.prerelease === input.prerelease &&
      (input.draft === undefined || existing.draft === input.draft);
    if (same) return { id: existing.id, url: existing.html_url, tag: input.tag, action: 'unchanged' };
    const id = existing.id;
    const { data } = await this.call(`update release ${input.tag} in ${this.repository}`, () =>
      this.octokit.repos.updateRelease({
        owner: this.owner,
        repo: this.repo,
        release_id: id,
        name: input.name,
        body,
        prerelease: input.prerelease,
        ...(input.draft !== undefined ? { draft: input.draft } : {}),
        ...makeLatest(input),
      }),
    );
    return { id: data.id, url: data.html_url, tag: input.tag, action: 'updated' };
  }

  /**
   * Sends a `repository_dispatch` event to `repository` (`owner/name`, may differ from this one).
   * GitHub allows at most 10 top-level payload properties and 64 KB; checked before sending.
   */
  async sendRepositoryDispatch(repository: string, eventType: string, clientPayload: Record<string, unknown> = {}): Promise<void> {
    const target = parseRepositorySlug(repository, 'dispatch repository');
    if (eventType.length < 1 || eventType.length > 100) {
      throw new GitHubConfigError(`repository_dispatch event type must be 1 to 100 characters, got ${JSON.stringify(eventType)}`);
    }
    const keys = Object.keys(clientPayload);
    if (keys.length > 10) {
      throw new GitHubConfigError(
        `repository_dispatch client_payload may have at most 10 top-level properties, got ${keys.length} (${keys.join(', ')}): nest them`,
      );
    }
    const size = Buffer.byteLength(JSON.stringify(clientPayload));
    if (size >= 64 * 1024) throw new GitHubConfigError(`repository_dispatch client_payload must be under 64 KB, got ${size} bytes`);
    await this.call(`send repository_dispatch "${eventType}" to ${repository}`, () =>
      this.octokit.repos.createDispatchEvent({ owner: target.owner, repo: target.repo, event_type: eventType, client_payload: clientPayload }),
    );
  }

  private async findReleaseByTag(tag: string): Promise<ReleaseData | undefined> {
    try {
      const { data } = await this.call(`read release ${tag} of ${this.repository}`, () =>
        this.octokit.repos.getReleaseByTag({ owner: this.owner, repo: this.repo, tag }),
      );
      return data;
    } catch (error) {
      if (error instanceof GitHubApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Drafts are not found by tag; look through the list (newest first, up to 300). */
  private async findReleaseInList(tag: string): Promise<ReleaseData | undefined> {
    for (let page = 1; page <= 3; page++) {
      const { data } = await this.call(`list releases of ${this.repository}`, () =>
        this.octokit.repos.listReleases({ owner: this.owner, repo: this.repo, per_page: 100, page }),
      );
      const found = data.find((r) => r.tag_name === tag);
      if (found || data.length < 100) return found;
    }
    return undefined;
  }

  /** Runs one API call, turning failures into a GitHubApiError that says what was attempted. */
  private async call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toApiError(error, action, this.token);
    }
  }
}

type ReleaseData = { id: number; html_url: string; name: string | null; body?: string | null; prerelease: boolean; draft: boolean; tag_name: string };

/** GitHub may store text edited on the web with CRLF. */
function normalizeNewlines(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function makeLatest(input: ReleaseInput): { make_latest?: 'true' | 'false' | 'legacy' } {
  if (input.makeLatest === undefined) return {};
  return { make_latest: input.makeLatest === 'legacy' ? 'legacy' : input.makeLatest ? 'true' : 'false' };
}

export { GitHubApiError, GitHubConfigError, PULL_REQUEST_BODY_LIMIT, RELEASE_BODY_LIMIT, truncateBody };
export type { PullRequestSummary };
