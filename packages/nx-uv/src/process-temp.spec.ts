import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeStrayTemps, tempPathFor } from './pin/atomic-write';
import { makeOwnedTempDir, pidRunning, removeAbandonedTempDirs } from './process-temp';
import { makeTempDir } from './testing/tools';

describe('temporary folders owned by processes', () => {
  const tmp = makeTempDir('nx-uv-process-temp-');
  afterAll(() => tmp.cleanup());

  it('names a folder after its kind and this process, and keeps it while the process runs', () => {
    const dir = makeOwnedTempDir('staging', tmp.dir);
    expect(path.basename(dir)).toMatch(new RegExp(`^nx-uv-staging-${process.pid}-`));
    expect(removeAbandonedTempDirs(tmp.dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(true);
  });

  it('removes what a killed run left (its pid is gone), and nothing that is not ours', () => {
    const dead = 2147483646;
    expect(pidRunning(dead)).toBe(false);
    const staging = path.join(tmp.dir, `nx-uv-staging-${dead}-abc123`);
    const worktree = path.join(tmp.dir, `nx-uv-release-pr-${dead}-def456`, 'worktree');
    fs.mkdirSync(staging);
    fs.mkdirSync(worktree, { recursive: true });
    fs.writeFileSync(path.join(staging, 'pkg-1.0.0.tar.gz'), 'x');
    const foreign = path.join(tmp.dir, `other-staging-${dead}-x`);
    fs.mkdirSync(foreign);
    expect(removeAbandonedTempDirs(tmp.dir).sort()).toEqual([path.dirname(worktree), staging].sort());
    expect(fs.existsSync(staging)).toBe(false);
    expect(fs.existsSync(path.dirname(worktree))).toBe(false);
    expect(fs.existsSync(foreign)).toBe(true);
  });

  it('removes the temporary files of dead writers next to a file, and this process’s own (it is not writing now)', () => {
    const dead = 2147483646;
    const file = path.join(tmp.dir, 'pyproject.toml');
    const mine = tempPathFor(file);
    const theirs = tempPathFor(file, dead);
    const running = tempPathFor(file, process.ppid);
    const other = tempPathFor(path.join(tmp.dir, 'uv.lock'), dead);
    for (const f of [mine, theirs, running, other]) fs.writeFileSync(f, 'x');
    expect(removeStrayTemps(file, pidRunning).sort()).toEqual([mine, theirs].sort());
    expect([running, other].every((f) => fs.existsSync(f))).toBe(true);
  });
});
