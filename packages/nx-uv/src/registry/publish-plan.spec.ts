import type { IndexTarget } from './index-target';
import { alreadyListed, planPublish, type PublishPlan, type PublishPlanInput } from './publish-plan';

const index: IndexTarget = {
  target: 'custom',
  publishUrl: 'http://idx/',
  checkUrl: 'http://idx/simple/',
  sources: { publishUrl: 'UV_PUBLISH_URL', checkUrl: 'the pypiserver convention' },
};
const SHA_WHL = 'a'.repeat(64);
const SHA_SDIST = 'b'.repeat(64);
const whl = { path: '/ws/a/dist/pkg_a-1.2.0-py3-none-any.whl', filename: 'pkg_a-1.2.0-py3-none-any.whl', sha256: SHA_WHL, kind: 'wheel' as const, size: 1126 };
const sdist = { path: '/ws/a/dist/pkg_a-1.2.0.tar.gz', filename: 'pkg_a-1.2.0.tar.gz', sha256: SHA_SDIST, kind: 'sdist' as const, size: 626 };
const local = (f: typeof whl | typeof sdist) => ({ path: f.path, filename: f.filename, sha256: f.sha256 });

function input(over: Partial<PublishPlanInput> = {}): PublishPlanInput {
  return {
    distributionName: 'pkg-a',
    declaredVersion: '1.2.0',
    version: '1.2.0',
    files: [whl, sdist],
    otherVersions: [],
    foreign: [],
    shownDir: 'a/dist',
    index,
    credentialsSource: 'UV_PUBLISH_TOKEN',
    dryRun: false,
    maxRetries: 2,
    pollTimeoutMs: 300000,
    ...over,
  };
}

const texts = (plan: PublishPlan) => plan.lines.map((l) => `${l.level}: ${l.text}`);

describe('planPublish', () => {
  it('a real run with no earlier release: upload every file (checked again at each attempt), then poll', () => {
    expect(planPublish(input())).toEqual({
      action: 'upload',
      label: 'pkg-a 1.2.0',
      lines: [
        {
          level: 'info',
          text: 'nx-uv publish: pkg-a 1.2.0 → http://idx/ (from UV_PUBLISH_URL; checked at http://idx/simple/), credentials from UV_PUBLISH_TOKEN',
        },
      ],
      project: 'pkg-a',
      index,
      credentialsSource: 'UV_PUBLISH_TOKEN',
      files: [local(whl), local(sdist)],
      upload: [local(whl), local(sdist)],
      skip: [],
      retry: { maxRetries: 2 },
      poll: { timeoutMs: 300000 },
      parallelUploads: true,
    });
    expect(planPublish(input({ parallelUploads: false, maxRetries: 0, pollTimeoutMs: 1500 }))).toMatchObject({
      parallelUploads: false,
      retry: { maxRetries: 0 },
      poll: { timeoutMs: 1500 },
    });
  });

  it('a local version is refused before the index is read, a dry run too; a dynamic version says so', () => {
    expect(planPublish(input({ version: '1.2.0+g1a2b3c', dryRun: true }))).toEqual({
      action: 'refused',
      label: 'pkg-a 1.2.0+g1a2b3c',
      lines: [],
      error: 'pkg-a 1.2.0+g1a2b3c has a local version label (+g1a2b3c), which PyPI and other public indexes refuse: nothing was checked or uploaded.',
    });
    const dynamic = planPublish(input({ declaredVersion: undefined, version: '2.0.1.dev22+g1a2b3c' }));
    expect(dynamic.action).toBe('refused');
    expect(texts(dynamic)).toEqual(['info: nx-uv publish: the version of pkg-a is dynamic; publishing the one version built in a/dist: 2.0.1.dev22+g1a2b3c.']);
    expect((dynamic as { error: string }).error).toMatch(
      /\(its version is dynamic: a VCS plugin gives such versions between release tags; build it at its release tag\): nothing was uploaded\.$/,
    );
  });

  it('a version of a release tag at HEAD is not called dynamic', () => {
    expect(texts(planPublish(input({ declaredVersion: undefined, fromReleaseTag: true })))).not.toContainEqual(expect.stringMatching(/dynamic/));
  });

  it('mentions files of other versions, and files that are not distributions only when verbose', () => {
    const other = { otherVersions: [{ filename: 'pkg_a-1.1.0.tar.gz' }], foreign: ['notes.txt'] };
    expect(texts(planPublish(input(other))).slice(0, -1)).toEqual([
      'info: nx-uv publish: pkg-a 1.2.0: ignoring files of other versions in a/dist: pkg_a-1.1.0.tar.gz',
    ]);
    expect(texts(planPublish(input({ ...other, verbose: true })))[1]).toBe(
      'info: nx-uv publish: pkg-a 1.2.0: ignoring files that are not its distributions: notes.txt',
    );
  });

  it('asks for the index first: with retries and required for an earlier release, once and optional for a dry run', () => {
    const earlier = { tag: 'pkg-a-v1.2.0', commit: 'c0ffee1234567890' };
    expect(planPublish(input({ earlier }))).toMatchObject({ action: 'read-index', read: { retries: 2, required: true } });
    expect(planPublish(input({ earlier, dryRun: true }))).toMatchObject({ action: 'read-index', read: { retries: 2, required: false } });
    expect(planPublish(input({ dryRun: true }))).toMatchObject({ action: 'read-index', read: { retries: 0, required: false } });
  });

  it('a version released earlier that the index serves: nothing to upload, naming what the rebuild has more', () => {
    const earlier = { tag: 'pkg-a-v1.2.0', commit: 'c0ffee1234567890' };
    const listing = { files: [{ filename: whl.filename, url: 'http://idx/f', sha256: 'f'.repeat(64) }] };
    const plan = planPublish(input({ earlier, listing }));
    expect(plan.action).toBe('served');
    expect(texts(plan)).toEqual([
      'info: nx-uv publish: pkg-a 1.2.0 was released earlier (pkg-a-v1.2.0 on c0ffee1) and http://idx/simple/ serves it (pkg_a-1.2.0-py3-none-any.whl): ' +
        'nothing to upload; this rebuild is not compared with the release. Not on the index and not uploaded from this rebuild: pkg_a-1.2.0.tar.gz (publish them from pkg-a-v1.2.0).',
    ]);
    expect(texts(planPublish(input({ earlier, listing, dryRun: true })))[0]).toMatch(/^info: nx-uv publish \(dry run\): pkg-a 1\.2\.0 was released earlier/);
  });

  it('a version released earlier that the index does not serve is uploaded', () => {
    const plan = planPublish(input({ earlier: { tag: 't', commit: 'c' }, listing: { files: [] } }));
    expect(plan).toMatchObject({ action: 'upload', upload: [local(whl), local(sdist)], skip: [] });
  });

  it('a dry run: each file with what a real run would do', () => {
    const listing = { files: [{ filename: sdist.filename, url: 'http://idx/f', sha256: SHA_SDIST }] };
    expect(texts(planPublish(input({ dryRun: true, listing })))).toEqual([
      'info: nx-uv publish (dry run): pkg-a 1.2.0 → http://idx/ (from UV_PUBLISH_URL; checked at http://idx/simple/), credentials from UV_PUBLISH_TOKEN; 2 file(s) from a/dist:',
      `info:   pkg_a-1.2.0-py3-none-any.whl  1.1 KiB  sha256 ${SHA_WHL}  — would be uploaded`,
      `info:   pkg_a-1.2.0.tar.gz  626 B  sha256 ${SHA_SDIST}  — already on the index (identical), would be skipped`,
      'info: nx-uv publish (dry run): nothing was uploaded and uv publish was not run.',
    ]);
    expect(planPublish(input({ dryRun: true, listing })).action).toBe('dry-run');
  });

  it('a dry run without credentials or an index to read: says so, lists the local files', () => {
    const plan = planPublish(input({ dryRun: true, credentialsSource: undefined, listing: { error: new Error('connection refused') } }));
    expect(texts(plan).slice(0, 2)).toEqual([
      'warn: nx-uv publish (dry run): cannot read what http://idx/simple/ already has (connection refused); listing the local files only.',
      'info: nx-uv publish (dry run): pkg-a 1.2.0 → http://idx/ (from UV_PUBLISH_URL; checked at http://idx/simple/), no credentials; 2 file(s) from a/dist:',
    ]);
    expect(texts(plan)[2]).toMatch(/— would be uploaded unless already there$/);
  });

  it('a changed file under a published name is refused, in a dry run too', () => {
    const listing = { files: [{ filename: whl.filename, url: 'http://idx/f', sha256: 'f'.repeat(64) }] };
    const dry = planPublish(input({ dryRun: true, listing }));
    expect(dry.action).toBe('refused');
    expect((dry as { error: string }).error).toMatch(
      /^pkg-a 1\.2\.0 was not published to http:\/\/idx\/: .*pkg_a-1\.2\.0-py3-none-any\.whl: index has sha256 f{64}, local .* has a{64}/s,
    );
    expect((dry as { error: string }).error).toMatch(/\n\(found in a dry run\)$/);
    expect(planPublish(input({ listing })).action).toBe('refused');
  });

  it('is pure: the same input gives the same plan, and the input is not changed', () => {
    const given = input({ dryRun: true, listing: { files: [] } });
    const copy = JSON.parse(JSON.stringify(given));
    expect(planPublish(given)).toEqual(planPublish(given));
    expect(JSON.parse(JSON.stringify(given))).toEqual(copy);
  });
});

describe('alreadyListed', () => {
  it('keeps the local names the index lists', () => {
    expect(alreadyListed(['a.whl', 'a.tar.gz'], [{ filename: 'a.tar.gz' }, { filename: 'b.whl' }])).toEqual(['a.tar.gz']);
  });
});
