import { startFakeGitHub, type FakeGitHub } from '../testing/github-fake';
import { GitHubApiError, GitHubConfigError } from './errors';
import { createGitHubClient, PULL_REQUEST_BODY_LIMIT, type GitHubClient } from './github';
import { RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED } from './labels';

const TOKEN = 'ghp_nxuvTestSecretToken0123456789abcdef';
const REPOSITORY = 'octo-org/octo-repo';

describe('GitHubClient against the fake GitHub', () => {
  let fake: FakeGitHub;
  let client: GitHubClient;
  let logged: string[];
  beforeEach(async () => {
    fake = await startFakeGitHub();
    logged = [];
    const log = (m: string) => logged.push(m);
    client = createGitHubClient({
      token: TOKEN,
      baseUrl: fake.url,
      repository: REPOSITORY,
      retryDelayMs: 1,
      log: { debug: log, info: log, warn: log, error: log },
    });
  });
  afterEach(async () => {
    try {
      fake.assertNoErrors();
      expect(logged.join('\n')).not.toContain(TOKEN);
    } finally {
      await fake.close();
    }
  });

  const bodiesOf = (operationId: string) => fake.requestsFor(operationId).map((r) => r.body);

  it('opens the release PR with the pending label, then updates it in place', async () => {
    const first = await client.createOrUpdateReleasePullRequest({
      head: 'release/main',
      base: 'main',
      title: 'chore: release main',
      body: 'a 1.1.0',
      labels: ['release'],
    });
    expect(first).toMatchObject({ action: 'created', number: 1, head: 'release/main', base: 'main', url: 'https://github.com/octo-org/octo-repo/pull/1' });
    expect(first.labels).toEqual([RELEASE_LABEL_PENDING, 'release']);
    expect(bodiesOf('pulls/create')).toEqual([{ head: 'release/main', base: 'main', title: 'chore: release main', body: 'a 1.1.0' }]);
    expect(fake.requestsFor('pulls/list')[0].query).toMatchObject({ state: 'open', head: 'octo-org:release/main', base: 'main' });
    expect(bodiesOf('issues/create-label')).toEqual([{ name: RELEASE_LABEL_PENDING, color: 'ededed', description: expect.any(String) }]);
    expect(bodiesOf('issues/add-labels')).toEqual([{ labels: [RELEASE_LABEL_PENDING, 'release'] }]);

    const second = await client.createOrUpdateReleasePullRequest({
      head: 'release/main',
      base: 'main',
      title: 'chore: release main',
      body: 'a 1.2.0',
      labels: ['release'],
    });
    expect(second).toMatchObject({ action: 'updated', number: 1, body: 'a 1.2.0' });
    expect(fake.requestsFor('pulls/create')).toHaveLength(1);
    expect(bodiesOf('pulls/update')).toEqual([{ title: 'chore: release main', body: 'a 1.2.0' }]);
    expect(fake.requestsFor('pulls/update')[0].params.pull_number).toBe('1');
    expect(fake.requestsFor('issues/add-labels')).toHaveLength(1); // labels already there

    const third = await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 'chore: release main', body: 'a 1.2.0' });
    expect(third.action).toBe('unchanged');
    expect(fake.requestsFor('pulls/update')).toHaveLength(1);
    expect(fake.pulls()).toHaveLength(1);
    expect(fake.labelsOf(1)).toEqual([RELEASE_LABEL_PENDING, 'release']);
  });

  it('finds only the open PR of the exact head and base', async () => {
    await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 't', body: 'b' });
    expect(await client.findOpenPullRequest('release/other', 'main')).toBeUndefined();
    expect(await client.findOpenPullRequest('release/main', 'develop')).toBeUndefined();
    expect((await client.findOpenPullRequest('release/main', 'main'))?.number).toBe(1);
    fake.mergePull(1);
    expect(await client.findOpenPullRequest('release/main', 'main')).toBeUndefined();
  });

  it('takes over the release PR another run opened between its lookup and its create (GitHub: 422, code "custom")', async () => {
    const other = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repository: REPOSITORY, retryDelayMs: 1, log: {} });
    const lookup = jest.spyOn(client, 'findOpenPullRequest').mockImplementationOnce(async () => {
      await other.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 'chore: release main', body: 'from the other run' });
      return undefined;
    });
    const result = await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 'chore: release main', body: 'a 1.1.0' });
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(fake.requestsFor('pulls/create').map((r) => r.status)).toEqual([201, 422]);
    expect(result).toMatchObject({ action: 'updated', number: 1, body: 'a 1.1.0' });
    expect(fake.pulls()).toHaveLength(1);
  });

  it("passes on GitHub's other refusals of a pull request, with its validation errors as data", async () => {
    const error = await client.createOrUpdateReleasePullRequest({ head: 'main', base: 'main', title: 't', body: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as GitHubApiError).status).toBe(422);
    expect((error as GitHubApiError).errors).toEqual([{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and main' }]);
    expect((error as GitHubApiError).hasValidationError('custom', 'PullRequest')).toBe(true);
    expect((error as GitHubApiError).hasValidationError('already_exists')).toBe(false);
  });

  it('takes a label created between its lookup and its create (422 already_exists) as there', async () => {
    await client.ensureLabel(RELEASE_LABEL_PENDING, { color: 'ededed', description: 'd' });
    fake.injectFailure({ operationId: 'issues/get-label', status: 404 });
    await client.ensureLabel(RELEASE_LABEL_PENDING, { color: 'ededed', description: 'd' });
    expect(fake.requestsFor('issues/create-label').map((r) => r.status)).toEqual([201, 422]);
    // Any other refusal is an error.
    fake.injectFailure({ operationId: 'issues/get-label', status: 404 });
    fake.injectFailure({ operationId: 'issues/create-label', status: 422, message: 'Validation Failed' });
    await expect(client.ensureLabel(RELEASE_LABEL_PENDING, { color: 'ededed', description: 'd' })).rejects.toThrow(/HTTP 422/);
  });

  it('truncates a body over GitHub’s limit', async () => {
    const long = 'x'.repeat(PULL_REQUEST_BODY_LIMIT + 5000);
    await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 't', body: long });
    const sent = (bodiesOf('pulls/create')[0] as { body: string }).body;
    expect(sent.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_LIMIT);
    expect(sent).toMatch(/truncated/);
  });

  it('finds the merged release PR and relabels it pending → tagged, idempotently', async () => {
    await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 't', body: 'b' });
    expect(await client.findMergedReleasePullRequest({ base: 'main' })).toBeUndefined();
    const mergeSha = 'd'.repeat(40);
    fake.mergePull(1, { mergeCommitSha: mergeSha });
    const bySha = await client.findMergedReleasePullRequest({ base: 'main', mergeCommitSha: mergeSha, head: 'release/main' });
    expect(bySha).toMatchObject({ number: 1, merged: true, mergeCommitSha: mergeSha, state: 'closed' });
    expect(fake.requestsFor('repos/list-pull-requests-associated-with-commit')[0].params.commit_sha).toBe(mergeSha);
    const byList = await client.findMergedReleasePullRequest({ base: 'main' });
    expect(byList?.number).toBe(1);
    expect(fake.requestsFor('pulls/list').at(-1)?.query).toMatchObject({ state: 'closed', base: 'main', sort: 'updated', direction: 'desc' });

    await client.relabel(1, RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED);
    expect(fake.labelsOf(1)).toEqual([RELEASE_LABEL_TAGGED]);
    expect(bodiesOf('issues/create-label').at(-1)).toMatchObject({ name: RELEASE_LABEL_TAGGED, color: '0e8a16' });
    expect(fake.requestsFor('issues/remove-label')[0].params.name).toBe(RELEASE_LABEL_PENDING);
    // A re-run: the pending label is already gone, which is fine.
    await client.relabel(1, RELEASE_LABEL_PENDING, RELEASE_LABEL_TAGGED);
    expect(fake.labelsOf(1)).toEqual([RELEASE_LABEL_TAGGED]);
    expect(await client.findMergedReleasePullRequest({ base: 'main' })).toBeUndefined();
  });

  it('creates a release once, stores the prerelease flag, and updates or skips on re-runs', async () => {
    const created = await client.createRelease({ tag: 'pkg-a-v2.0.0rc1', name: 'pkg-a 2.0.0rc1', body: 'notes', prerelease: true, targetCommitish: 'main' });
    expect(created).toMatchObject({ action: 'created', tag: 'pkg-a-v2.0.0rc1', url: 'https://github.com/octo-org/octo-repo/releases/tag/pkg-a-v2.0.0rc1' });
    expect(bodiesOf('repos/create-release')).toEqual([
      { tag_name: 'pkg-a-v2.0.0rc1', name: 'pkg-a 2.0.0rc1', body: 'notes', prerelease: true, draft: false, target_commitish: 'main' },
    ]);
    expect(fake.releases()[0]).toMatchObject({ prerelease: true, tagName: 'pkg-a-v2.0.0rc1' });

    const again = await client.createRelease({ tag: 'pkg-a-v2.0.0rc1', name: 'pkg-a 2.0.0rc1', body: 'notes', prerelease: true });
    expect(again).toEqual({ ...created, action: 'unchanged' });
    expect(fake.requestsFor('repos/create-release')).toHaveLength(1);
    expect(fake.requestsFor('repos/update-release')).toHaveLength(0);

    const changed = await client.createRelease({ tag: 'pkg-a-v2.0.0rc1', name: 'pkg-a 2.0.0rc1', body: 'better notes', prerelease: true, makeLatest: false });
    expect(changed).toMatchObject({ action: 'updated', id: created.id });
    expect(bodiesOf('repos/update-release')).toEqual([{ name: 'pkg-a 2.0.0rc1', body: 'better notes', prerelease: true, make_latest: 'false' }]);
    expect(fake.releases()).toHaveLength(1);
    expect(fake.releases()[0]).toMatchObject({ body: 'better notes', makeLatest: 'false' });
  });

  it('takes over a draft release of the same tag instead of failing', async () => {
    fake.repository().releases.set(77, {
      id: 77,
      tagName: 'pkg-b-v1.0.0',
      targetCommitish: 'main',
      name: 'draft',
      body: '',
      draft: true,
      prerelease: false,
      makeLatest: 'true',
      createdAt: '2026-01-01T00:00:00Z',
      publishedAt: null,
      author: { login: 'someone', id: 5 },
      assets: [],
    });
    const result = await client.createRelease({ tag: 'pkg-b-v1.0.0', name: 'pkg-b 1.0.0', body: 'n', prerelease: false, draft: false });
    expect(result).toMatchObject({ id: 77, action: 'updated' });
    expect(fake.releases()).toHaveLength(1);
    expect(fake.releases()[0]).toMatchObject({ draft: false, name: 'pkg-b 1.0.0' });
  });

  it('sends repository_dispatch with the payload, and checks GitHub’s payload limits first', async () => {
    fake.addRepository('octo-org/downstream');
    const payload = {
      release: { tag: 'pkg-a-v1.0.0', url: 'https://github.com/octo-org/octo-repo/releases/tag/pkg-a-v1.0.0' },
      packages: [{ name: 'pkg-a', version: '1.0.0' }],
    };
    await client.sendRepositoryDispatch('octo-org/downstream', 'nx-uv-release', payload);
    expect(fake.requestsFor('repos/create-dispatch-event')[0]).toMatchObject({
      path: '/repos/octo-org/downstream/dispatches',
      body: { event_type: 'nx-uv-release', client_payload: payload },
    });
    expect(fake.dispatches('octo-org/downstream')).toEqual([{ repository: 'octo-org/downstream', eventType: 'nx-uv-release', clientPayload: payload }]);
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await expect(client.sendRepositoryDispatch('octo-org/downstream', 'x', tooMany)).rejects.toThrow(/at most 10 top-level properties/);
    await expect(client.sendRepositoryDispatch('not a repo', 'x', {})).rejects.toThrow(/owner\/name/);
    expect(fake.requestsFor('repos/create-dispatch-event')).toHaveLength(1);
    const missing = await client.sendRepositoryDispatch('octo-org/absent', 'x', {}).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GitHubApiError);
    expect((missing as GitHubApiError).status).toBe(404);
    expect((missing as Error).message).toContain('send repository_dispatch "x" to octo-org/absent');
  });

  it('retries idempotent requests on 5xx but never a POST', async () => {
    fake.injectFailure({ operationId: 'repos/get', status: 502, times: 2 });
    expect(await client.getDefaultBranch()).toBe('main');
    expect(fake.requestsFor('repos/get').map((r) => r.status)).toEqual([502, 502, 200]);
    fake.injectFailure({ operationId: 'repos/create-release', status: 503 });
    const error = await client.createRelease({ tag: 't', name: 'n', body: 'b', prerelease: false }).catch((e: unknown) => e);
    expect((error as GitHubApiError).status).toBe(503);
    expect(fake.requestsFor('repos/create-release')).toHaveLength(1);
    expect(logged.join('\n')).toContain('retrying');
  });

  it('waits as long as a secondary rate limit asks, once, then retries (POST too: GitHub refused it unprocessed)', async () => {
    const limited = {
      status: 403,
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
    };
    fake.injectFailure({ operationId: 'repos/create-release', ...limited });
    const started = Date.now();
    const created = await client.createRelease({ tag: 't1', name: 'n', body: 'b', prerelease: false });
    expect(created.action).toBe('created');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.requestsFor('repos/create-release').map((r) => r.status)).toEqual([403, 201]);
    expect(logged.join('\n')).toContain('secondary rate limit; retrying in 1 s');
    // A wait longer than rateLimitMaxWaitSeconds fails at once, saying why.
    const impatient = createGitHubClient({
      token: TOKEN,
      baseUrl: fake.url,
      repository: REPOSITORY,
      rateLimitMaxWaitSeconds: 0,
      log: { warn: (m) => logged.push(m) },
    });
    fake.injectFailure({ operationId: 'repos/get', ...limited });
    const error = await impatient.getDefaultBranch().catch((e: unknown) => e);
    expect((error as GitHubApiError).status).toBe(403);
    expect(logged.join('\n')).toContain('giving up (GitHub asks to wait 1 s)');
    expect(fake.requestsFor('repos/get')).toHaveLength(1);
  });

  it('never shows the token in errors or logs', async () => {
    const wrongRepo = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repository: 'octo-org/missing', retries: 0 });
    const error = await wrongRepo.getDefaultBranch().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubApiError);
    expect((error as Error).message).toMatch(/could not read repository octo-org\/missing \(HTTP 404\).*GITHUB_REPOSITORY/);
    for (const text of [(error as Error).message, String((error as Error).stack), JSON.stringify(error)]) expect(text).not.toContain(TOKEN);
    expect(fake.requests.at(-1)?.authorization).toBe(true);
    expect(JSON.stringify(fake.requests)).not.toContain(TOKEN);
  });
});

describe('GitHubClient configuration errors', () => {
  it('asks for GITHUB_TOKEN when there is no token', () => {
    for (const token of [undefined, '', '  ']) {
      expect(() => createGitHubClient({ token, repository: REPOSITORY })).toThrow(GitHubConfigError);
      expect(() => createGitHubClient({ token, repository: REPOSITORY })).toThrow(/set the GITHUB_TOKEN environment variable/);
    }
  });

  it('rejects a malformed repository', () => {
    expect(() => createGitHubClient({ token: TOKEN, repository: 'just-a-name' })).toThrow(/must be "owner\/name".*just-a-name/);
  });

  it('keeps a rejected token out of the 401 error', async () => {
    const fake = await startFakeGitHub({ token: 'the-right-one' });
    try {
      const client = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repository: REPOSITORY });
      const error = await client.getDefaultBranch().catch((e: unknown) => e);
      expect((error as GitHubApiError).status).toBe(401);
      expect((error as Error).message).toContain('Bad credentials');
      expect((error as Error).message).toContain('GITHUB_TOKEN');
      expect(`${(error as Error).message}${(error as Error).stack}${JSON.stringify(error)}`).not.toContain(TOKEN);
    } finally {
      await fake.close();
    }
  });

  it('talks to GitHub Enterprise under /api/v3', async () => {
    const fake = await startFakeGitHub({ pathPrefix: '/api/v3', repositories: ['corp/app'] });
    try {
      const client = createGitHubClient({ token: TOKEN, baseUrl: fake.url, repository: 'corp/app' });
      const pr = await client.createOrUpdateReleasePullRequest({ head: 'release/main', base: 'main', title: 't', body: 'b' });
      expect(pr.number).toBe(1);
      expect(fake.requests.every((r) => r.rawPath.startsWith('/repos/corp/app'))).toBe(true);
      fake.assertNoErrors();
    } finally {
      await fake.close();
    }
  });
});
