import { Octokit } from '@octokit/rest';
import { createTestRepo, type TestRepo } from '../git-repo';
import { startFakeGitHub, type FakeGitHub } from './index';
import { loadGitHubSpec, matchOperation } from './spec';
import { OperationValidator } from './validate';

const OWNER = 'octo-org';
const REPO = 'octo-repo';
const repoArgs = { owner: OWNER, repo: REPO };

async function raw(fake: FakeGitHub, method: string, path: string, body?: unknown, auth = 'token test-token'): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { ...(auth ? { authorization: auth } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('the GitHub description', () => {
  it('loads once, quickly, and matches paths with literals before parameters and encoded slashes', () => {
    const started = Date.now();
    const spec = loadGitHubSpec();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(loadGitHubSpec()).toBe(spec);
    expect(matchOperation(spec, 'GET', '/repos/o/r/releases/latest')?.entry.operation.operationId).toBe('repos/get-latest-release');
    expect(matchOperation(spec, 'GET', '/repos/o/r/releases/12')?.entry.operation.operationId).toBe('repos/get-release');
    const ref = matchOperation(spec, 'GET', '/repos/o/r/git/ref/tags%2Fpkg-a-v1.0.0');
    expect(ref?.entry.operation.operationId).toBe('git/get-ref');
    expect(ref?.params.ref).toBe('tags/pkg-a-v1.0.0');
    expect(matchOperation(spec, 'GET', '/repos/o/r/git/ref/tags/pkg-a-v1.0.0')?.params.ref).toBe('tags/pkg-a-v1.0.0');
    expect(matchOperation(spec, 'DELETE', '/repos/o/r/issues/3/labels/autorelease%3A%20pending')?.params.name).toBe('autorelease: pending');
    expect(matchOperation(spec, 'GET', '/repos/o/r/pullz')).toBeUndefined();
    expect(matchOperation(spec, 'PUT', '/repos/o/r/pulls')).toBeUndefined();
  });

  it('validates responses too (so the fake cannot drift from GitHub)', () => {
    const spec = loadGitHubSpec();
    const validator = new OperationValidator(spec);
    const getRelease = spec.byOperationId.get('repos/get-release-by-tag');
    if (!getRelease) throw new Error('no repos/get-release-by-tag');
    expect(validator.validateResponse(getRelease, 200, { id: 1 }).join('\n')).toMatch(/must have required property/);
    expect(validator.validateResponse(getRelease, 299, {})).toEqual(['response: status 299 is not declared for repos/get-release-by-tag']);
  });
});

describe('fake GitHub server', () => {
  let fake: FakeGitHub;
  let octokit: Octokit;
  beforeEach(async () => {
    fake = await startFakeGitHub();
    octokit = new Octokit({ auth: 'test-token', baseUrl: fake.url, log: { debug() {}, info() {}, warn() {}, error() {} } });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('records a request to a path GitHub does not have, and assertNoErrors throws', async () => {
    const res = await raw(fake, 'GET', `/repos/${OWNER}/${REPO}/pull`);
    expect(res.status).toBe(404);
    expect(fake.errors).toHaveLength(1);
    expect(fake.errors[0].message).toContain('no operation of the GitHub description matches GET /repos/octo-org/octo-repo/pull');
    expect(() => fake.assertNoErrors()).toThrow(/1 bad request\(s\):\n- GET \/repos\/octo-org\/octo-repo\/pull → 404/);
  });

  it('records a body whose field has the wrong type, or an unknown field, and does not change state', async () => {
    const wrongType = await raw(fake, 'POST', `/repos/${OWNER}/${REPO}/pulls`, { head: 'release', base: 'main', title: 't', draft: 'yes' });
    expect(wrongType.status).toBe(422);
    expect(fake.errors[0].operationId).toBe('pulls/create');
    expect(fake.errors[0].message).toContain('body/draft: must be boolean');
    const unknown = await raw(fake, 'POST', `/repos/${OWNER}/${REPO}/issues/1/labels`, { lables: ['x'] });
    expect(unknown.status).toBe(422);
    expect(fake.errors[1].message).toContain('must NOT have additional properties "lables"');
    const badParam = await raw(fake, 'GET', `/repos/${OWNER}/${REPO}/pulls/abc`);
    expect(badParam.status).toBe(422);
    expect(fake.errors[2].message).toContain('path/pull_number: must be integer');
    const badQuery = await raw(fake, 'GET', `/repos/${OWNER}/${REPO}/pulls?state=merged`);
    expect(badQuery.status).toBe(422);
    expect(fake.errors[3].message).toContain('query/state: must be equal to one of the allowed values');
    const missingRequired = await raw(fake, 'POST', `/repos/${OWNER}/${REPO}/dispatches`, { client_payload: {} });
    expect(missingRequired.status).toBe(422);
    expect(fake.errors[4].message).toContain("must have required property 'event_type'");
    expect(fake.pulls()).toHaveLength(0);
    expect(fake.dispatches()).toHaveLength(0);
  });

  it('answers 401 without a token and records whether Authorization was sent, never its value', async () => {
    expect((await raw(fake, 'GET', `/repos/${OWNER}/${REPO}`, undefined, '')).status).toBe(401);
    expect((await raw(fake, 'GET', `/repos/${OWNER}/${REPO}`, undefined, 'Basic abc')).status).toBe(401);
    await octokit.repos.get(repoArgs);
    expect(fake.requests.map((r) => [r.status, r.authorization])).toEqual([
      [401, false],
      [401, true],
      [200, true],
    ]);
    expect(JSON.stringify(fake.requests)).not.toContain('test-token');
    expect(fake.requests[2].headers['user-agent']).toMatch(/octokit/);
    expect(fake.errors).toEqual([]);
  });

  it('keeps pull requests: create, list with head/base/state filters, update in place, merge', async () => {
    const created = await octokit.pulls.create({ ...repoArgs, head: 'release/main', base: 'main', title: 'chore: release', body: 'v1' });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ number: 1, state: 'open', merged: false, head: { ref: 'release/main' }, base: { ref: 'main' } });
    await octokit.pulls.create({ ...repoArgs, head: 'feature', base: 'main', title: 'feat: x' });

    const byHead = await octokit.pulls.list({ ...repoArgs, head: `${OWNER}:release/main`, base: 'main' });
    expect(byHead.data.map((p) => p.number)).toEqual([1]);
    // Like GitHub, a head filter without the owner is ignored.
    expect((await octokit.pulls.list({ ...repoArgs, head: 'release/main' })).data.map((p) => p.number).sort()).toEqual([1, 2]);
    expect((await octokit.pulls.list({ ...repoArgs, base: 'develop' })).data).toEqual([]);

    const duplicate = await octokit.pulls.create({ ...repoArgs, head: 'release/main', base: 'main', title: 'again' }).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ status: 422 });
    expect((duplicate as Error).message).toContain('A pull request already exists for octo-org:release/main');

    const updated = await octokit.pulls.update({ ...repoArgs, pull_number: 1, title: 'chore: release 2', body: 'v2' });
    expect(updated.data).toMatchObject({ number: 1, title: 'chore: release 2', body: 'v2' });
    expect(fake.pulls()).toHaveLength(2);

    fake.mergePull(1, { mergeCommitSha: 'c'.repeat(40) });
    const merged = await octokit.pulls.get({ ...repoArgs, pull_number: 1 });
    expect(merged.data).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: 'c'.repeat(40) });
    expect(merged.data.merged_at).not.toBeNull();
    expect((await octokit.pulls.list({ ...repoArgs, state: 'closed' })).data.map((p) => p.number)).toEqual([1]);
    expect((await octokit.repos.listPullRequestsAssociatedWithCommit({ ...repoArgs, commit_sha: 'c'.repeat(40) })).data.map((p) => p.number)).toEqual([1]);
    await expect(octokit.pulls.get({ ...repoArgs, pull_number: 9 })).rejects.toMatchObject({ status: 404 });
    fake.assertNoErrors();
  });

  it('paginates lists with Link headers that octokit.paginate follows', async () => {
    for (let i = 0; i < 35; i++) await octokit.pulls.create({ ...repoArgs, head: `b${i}`, base: 'main', title: `pr ${i}` });
    const firstPage = await octokit.pulls.list({ ...repoArgs, per_page: 30 });
    expect(firstPage.data).toHaveLength(30);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.pulls.list, { ...repoArgs, per_page: 30 });
    expect(all.map((p) => p.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    fake.assertNoErrors();
  });

  it('keeps labels on pull requests: add (creating repository labels), list, remove, create', async () => {
    await octokit.pulls.create({ ...repoArgs, head: 'release', base: 'main', title: 't' });
    await octokit.issues.createLabel({ ...repoArgs, name: 'autorelease: tagged', color: '0e8a16', description: 'done' });
    await expect(octokit.issues.createLabel({ ...repoArgs, name: 'Autorelease: Tagged' })).rejects.toMatchObject({ status: 422 });
    const added = await octokit.issues.addLabels({ ...repoArgs, issue_number: 1, labels: ['autorelease: pending', 'release'] });
    expect(added.data.map((l) => l.name)).toEqual(['autorelease: pending', 'release']);
    expect((await octokit.issues.getLabel({ ...repoArgs, name: 'autorelease: pending' })).data.color).toBe('ededed');
    await octokit.issues.addLabels({ ...repoArgs, issue_number: 1, labels: ['autorelease: tagged'] });
    const removed = await octokit.issues.removeLabel({ ...repoArgs, issue_number: 1, name: 'autorelease: pending' });
    expect(removed.data.map((l) => l.name)).toEqual(['release', 'autorelease: tagged']);
    await expect(octokit.issues.removeLabel({ ...repoArgs, issue_number: 1, name: 'autorelease: pending' })).rejects.toMatchObject({ status: 404 });
    expect((await octokit.issues.listLabelsOnIssue({ ...repoArgs, issue_number: 1 })).data.map((l) => l.name)).toEqual(['release', 'autorelease: tagged']);
    expect(fake.labelsOf(1)).toEqual(['release', 'autorelease: tagged']);
    fake.assertNoErrors();
  });

  it('keeps releases: create (prerelease flag stored), get by tag, list, update, refuse duplicates', async () => {
    const created = await octokit.repos.createRelease({ ...repoArgs, tag_name: 'pkg-a-v1.0.0rc1', name: 'pkg-a 1.0.0rc1', body: 'notes', prerelease: true });
    expect(created.status).toBe(201);
    expect(fake.releases()[0]).toMatchObject({ tagName: 'pkg-a-v1.0.0rc1', prerelease: true, draft: false, name: 'pkg-a 1.0.0rc1', body: 'notes' });
    const byTag = await octokit.repos.getReleaseByTag({ ...repoArgs, tag: 'pkg-a-v1.0.0rc1' });
    expect(byTag.data).toMatchObject({ id: created.data.id, prerelease: true, html_url: 'https://github.com/octo-org/octo-repo/releases/tag/pkg-a-v1.0.0rc1' });
    await expect(octokit.repos.createRelease({ ...repoArgs, tag_name: 'pkg-a-v1.0.0rc1' })).rejects.toMatchObject({ status: 422 });
    await octokit.repos.updateRelease({ ...repoArgs, release_id: created.data.id, prerelease: false, body: 'final' });
    expect(fake.releases()[0]).toMatchObject({ prerelease: false, body: 'final' });
    await octokit.repos.createRelease({ ...repoArgs, tag_name: 'draft-tag', draft: true });
    await expect(octokit.repos.getReleaseByTag({ ...repoArgs, tag: 'draft-tag' })).rejects.toMatchObject({ status: 404 });
    expect((await octokit.repos.listReleases(repoArgs)).data.map((r) => r.tag_name)).toEqual(['draft-tag', 'pkg-a-v1.0.0rc1']);
    // GitHub created the missing tag for the published release, not for the draft.
    expect((await octokit.git.getRef({ ...repoArgs, ref: 'tags/pkg-a-v1.0.0rc1' })).data.object.type).toBe('commit');
    await expect(octokit.git.getRef({ ...repoArgs, ref: 'tags/draft-tag' })).rejects.toMatchObject({ status: 404 });
    fake.assertNoErrors();
  });

  it('keeps release assets: upload to upload_url (raw bytes), list, get, delete; refuses a duplicate name and uploads to the API', async () => {
    const release = await octokit.repos.createRelease({ ...repoArgs, tag_name: 'pkg-a-v1.0.0' });
    const uploadUrl = release.data.upload_url;
    expect(uploadUrl).toBe(`${fake.url}/uploads/repos/${OWNER}/${REPO}/releases/${release.data.id}/assets{?name,label}`);
    const data = Buffer.from('{"payloadType":"application/vnd.in-toto+json"}\n');
    const uploaded = await octokit.repos.uploadReleaseAsset({
      ...repoArgs,
      release_id: release.data.id,
      url: uploadUrl,
      name: 'release.intoto.jsonl',
      data: data as unknown as string,
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(uploaded.status).toBe(201);
    expect(uploaded.data).toMatchObject({ name: 'release.intoto.jsonl', size: data.length, state: 'uploaded', label: null });
    expect(fake.releases()[0].assets.map((a) => [a.name, a.data.toString()])).toEqual([['release.intoto.jsonl', data.toString()]]);
    expect(fake.requestsFor('repos/upload-release-asset')[0]).toMatchObject({
      path: `/repos/${OWNER}/${REPO}/releases/${release.data.id}/assets`,
      query: { name: 'release.intoto.jsonl' },
    });
    expect((await octokit.repos.getReleaseByTag({ ...repoArgs, tag: 'pkg-a-v1.0.0' })).data.assets.map((a) => a.name)).toEqual(['release.intoto.jsonl']);
    expect((await octokit.repos.listReleaseAssets({ ...repoArgs, release_id: release.data.id })).data.map((a) => a.id)).toEqual([uploaded.data.id]);
    expect(((await octokit.repos.getReleaseAsset({ ...repoArgs, asset_id: uploaded.data.id })).data as { digest?: string }).digest).toMatch(
      /^sha256:[0-9a-f]{64}$/,
    );
    const again = {
      ...repoArgs,
      release_id: release.data.id,
      url: uploadUrl,
      name: 'release.intoto.jsonl',
      data: 'x',
      headers: { 'content-type': 'text/plain' },
    };
    await expect(octokit.repos.uploadReleaseAsset(again)).rejects.toMatchObject({ status: 422 });
    await octokit.repos.deleteReleaseAsset({ ...repoArgs, asset_id: uploaded.data.id });
    expect(fake.releases()[0].assets).toEqual([]);
    expect((await octokit.repos.uploadReleaseAsset(again)).status).toBe(201);
    fake.assertNoErrors();
    // Uploads go to upload_url only: the same request to the API path is an error.
    const apiPath = await fetch(`${fake.url}/repos/${OWNER}/${REPO}/releases/${release.data.id}/assets?name=b.txt`, {
      method: 'POST',
      headers: { authorization: 'token test-token', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(apiPath.status).toBe(404);
    expect(fake.errors.map((e) => e.message)).toEqual([expect.stringContaining("must go to the release's upload_url")]);
  });

  it('keeps git refs and annotated tag objects', async () => {
    const sha = 'a'.repeat(40);
    const tag = await octokit.git.createTag({
      ...repoArgs,
      tag: 'v1',
      message: 'v1',
      object: sha,
      type: 'commit',
      tagger: { name: 'n', email: 'e@x', date: '2026-01-01T00:00:00Z' },
    });
    await octokit.git.createRef({ ...repoArgs, ref: 'refs/tags/v1', sha: tag.data.sha });
    expect((await octokit.git.getRef({ ...repoArgs, ref: 'tags/v1' })).data.object).toMatchObject({ type: 'tag', sha: tag.data.sha });
    await expect(octokit.git.createRef({ ...repoArgs, ref: 'refs/tags/v1', sha })).rejects.toMatchObject({ status: 422 });
    await expect(octokit.git.createRef({ ...repoArgs, ref: 'v2', sha })).rejects.toMatchObject({ status: 422 });
    fake.assertNoErrors();
  });

  it('stores repository_dispatch events per repository and 404s unknown repositories', async () => {
    fake.addRepository('octo-org/downstream');
    const res = await octokit.repos.createDispatchEvent({
      owner: 'octo-org',
      repo: 'downstream',
      event_type: 'nx-uv-release',
      client_payload: { packages: [{ name: 'a', version: '1.0.0' }] },
    });
    expect(res.status).toBe(204);
    expect(fake.dispatches('octo-org/downstream')).toEqual([
      { repository: 'octo-org/downstream', eventType: 'nx-uv-release', clientPayload: { packages: [{ name: 'a', version: '1.0.0' }] } },
    ]);
    await expect(octokit.repos.createDispatchEvent({ owner: 'octo-org', repo: 'nope', event_type: 'x' })).rejects.toMatchObject({ status: 404 });
    const tooMany = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]));
    await expect(octokit.repos.createDispatchEvent({ owner: 'octo-org', repo: 'downstream', event_type: 'x', client_payload: tooMany })).rejects.toMatchObject({
      status: 422,
    });
    expect(fake.errors.map((e) => e.message).join('\n')).toContain('body/client_payload: must NOT have more than 10 properties');
  });

  it('injects failures for fault tests and reports operations it does not implement', async () => {
    fake.injectFailure({ operationId: 'repos/get', status: 502 });
    await expect(octokit.repos.get(repoArgs)).rejects.toMatchObject({ status: 502 });
    expect((await octokit.repos.get(repoArgs)).data.default_branch).toBe('main');
    await expect(octokit.repos.listBranches(repoArgs)).rejects.toMatchObject({ status: 501 });
    expect(fake.errors[0].message).toContain('does not implement repos/list-branches');
  });
});

describe('fake GitHub variants', () => {
  it('serves under a GitHub Enterprise path prefix', async () => {
    const fake = await startFakeGitHub({ pathPrefix: '/api/v3', repositories: [{ fullName: 'corp/app', defaultBranch: 'trunk' }] });
    try {
      expect(fake.url).toMatch(/\/api\/v3$/);
      const octokit = new Octokit({ auth: 't', baseUrl: fake.url });
      expect((await octokit.repos.get({ owner: 'corp', repo: 'app' })).data.default_branch).toBe('trunk');
      expect(fake.requests[0].path).toBe('/repos/corp/app');
      const outside = await fetch(fake.url.replace('/api/v3', '/repos/corp/app'), { headers: { authorization: 'token t' } });
      expect(outside.status).toBe(404);
      expect(fake.errors[0].message).toContain('lacks the prefix /api/v3');
    } finally {
      await fake.close();
    }
  });

  it('accepts only the configured token when one is given', async () => {
    const fake = await startFakeGitHub({ token: 'right' });
    try {
      await expect(new Octokit({ auth: 'wrong', baseUrl: fake.url }).repos.get(repoArgs)).rejects.toMatchObject({ status: 401 });
      expect((await new Octokit({ auth: 'right', baseUrl: fake.url }).repos.get(repoArgs)).status).toBe(200);
    } finally {
      await fake.close();
    }
  });

  describe('backed by a bare git repository', () => {
    let repo: TestRepo;
    let fake: FakeGitHub;
    beforeAll(async () => {
      repo = createTestRepo({ initialCommit: true });
      repo.push();
      fake = await startFakeGitHub({ repositories: [{ fullName: `${OWNER}/${REPO}`, gitDir: repo.bare }] });
    });
    afterAll(async () => {
      await fake.close();
      repo.cleanup();
    });

    it('needs the PR head branch to exist in the bare repository and uses its sha', async () => {
      const octokit = new Octokit({ auth: 't', baseUrl: fake.url });
      await expect(octokit.pulls.create({ ...repoArgs, head: 'release/main', base: 'main', title: 't' })).rejects.toMatchObject({ status: 422 });
      repo.checkout('release/main', { create: true });
      const sha = repo.commit('chore: release', { 'v.txt': '1' });
      repo.push();
      const pr = await octokit.pulls.create({ ...repoArgs, head: 'release/main', base: 'main', title: 't' });
      expect(pr.data.head.sha).toBe(sha);
      // A release for a missing tag creates the tag in the bare repository at the target.
      await octokit.repos.createRelease({ ...repoArgs, tag_name: 'pkg-v1', target_commitish: 'release/main' });
      expect(repo.gitBare(['rev-parse', 'refs/tags/pkg-v1'])).toBe(sha);
      // Annotated tag objects are real git objects there.
      const tag = await octokit.git.createTag({ ...repoArgs, tag: 'pkg-v2', message: 'm', object: sha, type: 'commit', tagger: { name: 'n', email: 'e@x' } });
      await octokit.git.createRef({ ...repoArgs, ref: 'refs/tags/pkg-v2', sha: tag.data.sha });
      expect(repo.gitBare(['cat-file', '-t', 'pkg-v2'])).toBe('tag');
      expect(repo.gitBare(['rev-parse', 'pkg-v2^{commit}'])).toBe(sha);
      fake.assertNoErrors();
    });
  });
});
