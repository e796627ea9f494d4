import { logger } from '@nx/devkit';
import { createTestRepo, type TestRepo } from '../../testing/git-repo';
import { gitAndGitHubEnv } from '../../testing/executor-context';
import { startFakeGitHub, type FakeGitHub } from '../../testing/github-fake';
import { captureLogger, executorContext, workspaceFiles, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import notifyExecutor from './executor';

const REPO = 'octo-org/octo-repo';
const DOWNSTREAM = ['octo-org/docs-site', 'other-org/consumer'];

let repo: TestRepo;
let fake: FakeGitHub;
let log: LogCapture;
let head: string;

const run = (options: Parameters<typeof notifyExecutor>[0]) => notifyExecutor(options, executorContext(repo.dir, 'uv-workspace'));

const env = gitAndGitHubEnv();

beforeEach(async () => {
  repo = createTestRepo({ files: workspaceFiles() });
  repo.tag('pkg-a-v1.1.0', { message: 'old' });
  head = repo.commit('chore(release): publish', { 'README.md': 'release\n' });
  repo.tag('pkg-a-v1.2.0', { message: 'pkg-a 1.2.0' });
  repo.tag('pkg-b-v0.3.0rc1'); // lightweight counts too
  repo.tag('nightly'); // does not match the tag format
  fake = await startFakeGitHub({ repositories: [REPO, ...DOWNSTREAM] });
  env.set(fake.url, REPO);
  log = captureLogger(logger);
});
afterEach(async () => {
  log.restore();
  await fake.close();
  repo.cleanup();
});

const expectedPayload = () => ({
  source: REPO,
  commit: head,
  packages: [
    { name: 'pkg-a', version: '1.2.0', tag: 'pkg-a-v1.2.0' },
    { name: 'pkg-b', version: '0.3.0rc1', tag: 'pkg-b-v0.3.0rc1' },
  ],
});

describe('nx-uv:notify', () => {
  it('sends repository_dispatch with the packages released at HEAD to every repository', async () => {
    expect(await run({ repositories: DOWNSTREAM })).toEqual({ success: true });
    for (const r of DOWNSTREAM) {
      expect(fake.dispatches(r)).toEqual([{ repository: r, eventType: 'nx-uv-release', clientPayload: expectedPayload() }]);
    }
    expect(fake.dispatches(REPO)).toEqual([]);
    expect(fake.requestsFor('repos/create-dispatch-event')).toHaveLength(2);
    fake.assertNoErrors();
  });

  it('uses a custom event type', async () => {
    expect(await run({ repositories: [DOWNSTREAM[0]], eventType: 'python-released' })).toEqual({ success: true });
    expect(fake.dispatches(DOWNSTREAM[0]).map((d) => d.eventType)).toEqual(['python-released']);
    fake.assertNoErrors();
  });

  it('dry run prints the payload and sends nothing', async () => {
    delete process.env.GITHUB_TOKEN;
    expect(await run({ repositories: DOWNSTREAM, dryRun: true })).toEqual({ success: true });
    expect(log.all()).toContain(`would send repository_dispatch "nx-uv-release" to ${DOWNSTREAM.join(', ')}`);
    expect(log.all()).toContain(JSON.stringify(expectedPayload(), null, 2));
    expect(fake.requests).toEqual([]);
    fake.assertNoErrors();
  });

  it('says so and sends nothing when no repositories are configured or nothing was released at HEAD', async () => {
    expect(await run({})).toEqual({ success: true });
    expect(log.all()).toContain('no repositories configured');
    repo.commit('docs: later', { 'README.md': 'later\n' });
    expect(await run({ repositories: DOWNSTREAM })).toEqual({ success: true });
    expect(log.all()).toContain('no package release tags point at HEAD');
    expect(fake.requests).toEqual([]);
    fake.assertNoErrors();
  });

  it('fails without GITHUB_TOKEN and sends nothing', async () => {
    delete process.env.GITHUB_TOKEN;
    expect(await run({ repositories: DOWNSTREAM })).toEqual({ success: false });
    expect(log.error.join('\n')).toMatch(/GITHUB_TOKEN/);
    expect(fake.requests).toEqual([]);
  });
});
