/**
 * The bump maths compared with the real uv (0.13, from .tools): the same table through
 * `uv version --bump … --dry-run --short` and through bumpVersion().
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, uvBin, uvTestEnv } from '../testing/tools';
import { bumpVersion } from './pep440-bump';

type Case = [current: string, bumps: string[]];

const CASES: Case[] = [
  ['1.2.3', ['major']],
  ['1.2.3', ['minor']],
  ['1.2.3', ['patch']],
  ['1.2.3', ['minor', 'rc']],
  ['1.2.3', ['rc', 'minor']],
  ['1.2.3', ['major', 'alpha']],
  ['1.2.3', ['patch', 'beta']],
  ['1.2.3', ['patch', 'dev']],
  ['1.2.3', ['minor', 'rc=3']],
  ['1.2.3', ['patch', 'rc=0']],
  ['1.2.3', ['rc']],
  ['1.2.3', ['dev']],
  ['1.2.3', ['stable']],
  ['1.2.3', ['post']],
  ['1.2.3', ['major', 'minor']],
  ['1.2.3', ['major', 'beta', 'dev']],
  ['1.2.3', ['patch', 'post']],
  ['1.2.3', ['stable', 'minor']],
  ['1.3.0rc1', ['rc']],
  ['1.3.0rc1', ['rc=5']],
  ['1.3.0rc1', ['rc=1']],
  ['1.3.0rc1', ['minor', 'rc']],
  ['1.3.0rc1', ['patch']],
  ['1.3.0rc1', ['minor']],
  ['1.3.0rc1', ['major']],
  ['1.3.0rc1', ['beta']],
  ['1.3.0rc1', ['dev']],
  ['1.3.0rc2', ['major', 'rc']],
  ['1.3.0rc2', ['stable']],
  ['1.3.0rc2', ['alpha']],
  ['1.3.0a1', ['beta']],
  ['1.3.0a1', ['rc']],
  ['1.3.0a1.dev1', ['alpha']],
  ['1.3.0b1.dev3', ['dev']],
  ['1.3.0.dev2', ['dev']],
  ['1.3.0.dev2', ['rc']],
  ['1.3.0.dev2', ['stable']],
  ['1.3.0.dev1', ['minor', 'dev']],
  ['1.3.0rc1.dev2', ['rc']],
  ['1.3.0rc1.dev2', ['stable']],
  ['1.3.0rc1.post1', ['rc']],
  ['1.2.3.post1', ['post']],
  ['1.2.3.post1', ['patch']],
  ['1.3.0.post1', ['stable']],
  ['1.3.0.post1', ['rc']],
  ['1.3.0.post1.dev1', ['post']],
  ['1!1.2.3', ['minor']],
  ['1!1.2.3', ['major', 'rc']],
  ['0!1.2.3', ['major']],
  ['1.2.3+local.7', ['minor']],
  ['1.2', ['patch']],
  ['1.2', ['minor']],
  ['1', ['minor']],
  ['1.2.3.4', ['minor']],
  ['1.2.3.4', ['patch']],
  ['0.9.9', ['major']],
  ['1.3.0-RC.1', ['rc']],
  ['1.0c2', ['rc']],
  ['v1.2.3', ['patch']],
];

let dir: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir, cleanup } = makeTempDir('nx-uv-bump-'));
});
afterAll(() => cleanup());

function uvBump(current: string, bumps: string[]): { ok: true; version: string } | { ok: false; error: string } {
  fs.writeFileSync(path.join(dir, 'pyproject.toml'), `[project]\nname = "p"\nversion = "${current}"\n`);
  const args = ['version', ...bumps.flatMap((b) => ['--bump', b]), '--dry-run', '--short', '--frozen'];
  const r = spawnSync(uvBin, args, { cwd: dir, env: uvTestEnv(), encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.status === 0 ? { ok: true, version: r.stdout.trim() } : { ok: false, error: r.stderr.replace(/^error:\s*/, '').trim() };
}

function ourBump(current: string, bumps: string[]): { ok: true; version: string } | { ok: false; error: string } {
  try {
    return { ok: true, version: bumpVersion(current, bumps) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

describe('bumpVersion agrees with uv version --bump', () => {
  it('knows which uv it runs', () => {
    const r = spawnSync(uvBin, ['--version'], { env: uvTestEnv(), encoding: 'utf8' });
    expect(r.stdout).toMatch(/^uv 0\.13\./);
  });

  it.each(CASES)('%s --bump %j', (current, bumps) => {
    const theirs = uvBump(current, bumps);
    const ours = ourBump(current, bumps);
    expect(ours.ok).toBe(theirs.ok);
    if (theirs.ok && ours.ok) expect(ours.version).toBe(theirs.version);
    if (!theirs.ok && !ours.ok) {
      // Same refusal, same words (uv may add a hint line after its message).
      expect(theirs.error.split('\n')[0]).toContain(ours.error.split('\n')[0]);
    }
  });

  it('the table covers results and refusals both (so a broken comparison cannot pass silently)', () => {
    expect(uvBump('1.2.3', ['minor', 'rc'])).toEqual({ ok: true, version: '1.3.0rc1' });
    expect(uvBump('1.3.0rc1', ['rc'])).toEqual({ ok: true, version: '1.3.0rc2' });
    expect(uvBump('1.3.0rc2', ['alpha']).ok).toBe(false);
  });
});
