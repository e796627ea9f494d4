import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { logger } from '@nx/devkit';
import { createReleaseRepo, releaseContext, snapshotTree, type ReleaseRepo } from '../../release/__fixtures__/release-workspace';
import type { ReleasePlan } from '../../versioning';
import { captureLogger, type LogCapture } from '../shared/__fixtures__/uv-workspace';
import releasePlanExecutor, { type ReleasePlanExecutorOptions } from './executor';

let r: ReleaseRepo;
let log: LogCapture;
let out: string[];
let spy: jest.SpyInstance;

const NX_JSON = { plugins: [{ plugin: 'nx-uv', options: { groups: { apps: { projects: ['tag:scope:apps'] }, libs: { projects: ['core', 'mid'] } } } }] };

async function run(options: ReleasePlanExecutorOptions) {
  out = [];
  return releasePlanExecutor(options, releaseContext(r.repo.dir, 'uv-workspace', NX_JSON));
}

beforeAll(async () => {
  r = await createReleaseRepo();
});
afterAll(() => r.cleanup());
beforeEach(() => {
  log = captureLogger(logger);
  spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  spy.mockRestore();
  log.restore();
});

describe('release-plan executor', () => {
  it('--outputFile writes the plan as JSON to that file (the same JSON as --json) and prints the table', async () => {
    expect(await run({ json: true })).toEqual({ success: true });
    const json = out.join('');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nx-uv-plan-out-'));
    try {
      const file = path.join(dir, 'out', 'plan.json');
      expect(await run({ outputFile: file })).toEqual({ success: true });
      expect(fs.readFileSync(file, 'utf8')).toBe(json);
      expect(out.join('')).toMatch(/^package\s+last release\s+current\s+next\s+bump\s+reason\n/);
      expect(log.info.join('\n')).toContain('wrote the plan as JSON to');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the plan as JSON: current → next with reasons, and writes nothing', async () => {
    const before = snapshotTree(r.repo.dir);
    expect(await run({ json: true })).toEqual({ success: true });
    const plan = JSON.parse(out.join('')) as ReleasePlan;
    const brief = plan.packages.map((p) => ({ name: p.name, lastRelease: p.lastRelease, current: p.current, next: p.next, bump: p.bump, reasons: p.reasons }));
    expect(brief).toEqual([
      {
        name: 'app',
        lastRelease: '2.0.0',
        current: '2.0.0',
        next: '2.0.1',
        bump: 'patch',
        reasons: [expect.stringMatching(/^fix\(app\): handle empty input \([0-9a-f]{7}\)$/), 'dependency core 1.2.0 → 1.3.0', 'dependency mid 0.4.1 → 0.4.2'],
      },
      {
        name: 'core',
        lastRelease: '1.2.0',
        current: '1.2.0',
        next: '1.3.0',
        bump: 'minor',
        reasons: [expect.stringMatching(/^feat\(core\): add a speed knob \([0-9a-f]{7}\)$/)],
      },
      { name: 'mid', lastRelease: '0.4.1', current: '0.4.1', next: '0.4.2', bump: 'patch', reasons: ['dependency core 1.2.0 → 1.3.0'] },
    ]);
    expect(plan.skipped.map((s) => s.name)).toEqual(['other']);
    expect(plan.requirementUpdates).toHaveLength(4);
    expect(snapshotTree(r.repo.dir)).toEqual(before);
  });

  it('prints a table by default', async () => {
    expect(await run({})).toEqual({ success: true });
    const text = out.join('');
    expect(text).toMatch(/^package +last release +current +next +bump +reason\n/);
    expect(text).toMatch(/\ncore +1\.2\.0 +1\.2\.0 +1\.3\.0 +minor +feat\(core\): add a speed knob/);
    expect(text).toContain('Not released:\n  other:');
  });

  it('plans a group (by Nx tag) with bumpType, prerelease and force', async () => {
    expect(await run({ json: true, group: 'apps' })).toEqual({ success: true });
    let plan = JSON.parse(out.join('')) as ReleasePlan;
    expect(plan.packages.map((p) => `${p.name} ${p.next}`)).toEqual(['app 2.0.1']);
    expect(plan.options.group).toBe('apps');

    expect(await run({ json: true, group: 'libs', bumpType: 'major', prerelease: 'rc' })).toEqual({ success: true });
    plan = JSON.parse(out.join('')) as ReleasePlan;
    expect(plan.packages.map((p) => `${p.name} ${p.next}`)).toEqual(['app 2.0.1rc1', 'core 2.0.0rc1', 'mid 0.4.2rc1']);

    expect(await run({ json: true, force: true })).toEqual({ success: true });
    plan = JSON.parse(out.join('')) as ReleasePlan;
    expect(plan.packages.find((p) => p.name === 'other')?.next).toBe('0.1.1');
  });

  it('fails on an unknown group, listing the known ones', async () => {
    expect(await run({ group: 'nope' })).toEqual({ success: false });
    expect(log.error).toEqual([
      'nx-uv release-plan (uv-workspace) failed: unknown release group "nope"; the groups in nx.json (plugins → "nx-uv" → options.groups) are: apps, libs',
    ]);
    expect(out).toEqual([]);
  });
});
