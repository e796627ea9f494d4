import { execFileSync } from 'node:child_process';
import { createTestRepo, generateHistory, type TestRepo } from '../testing/git-repo';
import { readHistory } from './history';

// 5,000 by default keeps this file fast; the report's figures come from NX_UV_HISTORY_COMMITS=20000.
const COMMITS = Number(process.env.NX_UV_HISTORY_COMMITS ?? 5_000);
const DIRS = 200;

describe('readHistory at scale', () => {
  let repo: TestRepo;
  beforeAll(() => {
    repo = createTestRepo();
    generateHistory(repo, COMMITS, DIRS);
  });
  afterAll(() => repo.cleanup());

  it(`reads ${COMMITS} commits over ${DIRS} directories in one pass, close to a bare git log`, async () => {
    const best = (runs: number[]) => Math.min(...runs);
    const raw: number[] = [];
    const ours: number[] = [];
    let commits = await readHistory(repo.dir); // warm the page cache
    for (let i = 0; i < 2; i++) {
      let t = performance.now();
      execFileSync('git', ['log', '--name-only'], { cwd: repo.dir, env: repo.env, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
      raw.push(performance.now() - t);
      t = performance.now();
      commits = await readHistory(repo.dir);
      ours.push(performance.now() - t);
    }
    console.log(`readHistory: ${best(ours).toFixed(0)} ms; bare git log --name-only: ${best(raw).toFixed(0)} ms (${COMMITS} commits, ${DIRS} dirs, best of 2)`);
    expect(commits).toHaveLength(COMMITS);
    expect(commits[0]).toMatchObject({
      subject: `${['feat', 'fix', 'chore'][COMMITS % 3]}(pkg-${COMMITS % DIRS}): change number ${COMMITS}`,
      parents: 1,
      files: [`packages/pkg-${COMMITS % DIRS}/src/mod.py`],
    });
    expect(commits[COMMITS - 1]).toMatchObject({ parents: 0, body: 'Body of change 1.' });
    expect(new Set(commits.flatMap((c) => c.files)).size).toBe(DIRS);
    expect(best(ours)).toBeLessThan(best(raw) * 3 + 1500);
  });
});
