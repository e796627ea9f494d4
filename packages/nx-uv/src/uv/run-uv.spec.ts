import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, uvBin, uvTestEnv } from '../testing/tools';
import { runUv, UvCommandError } from './run-uv';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection<E>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error('expected a rejection');
}

describe('runUv', () => {
  const tmp = makeTempDir('nx-uv-run-uv-');
  afterAll(() => tmp.cleanup());

  /** A fake uv that prints what it is given, including a secret from its environment, and fails. */
  function fakeUv(body: string): string {
    const file = path.join(tmp.dir, `fake-uv-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  }

  it('runs the real uv from NX_UV_UV_PATH', async () => {
    const r = await runUv(['--version'], { cwd: tmp.dir, env: { ...uvTestEnv(), NX_UV_UV_PATH: uvBin } });
    expect(r.stdout).toMatch(/^uv 0\.13\.9\b/);
    expect(r.command).toBe(`${uvBin} --version`);
  });

  it('finds uv on the child PATH when NX_UV_UV_PATH is unset', async () => {
    const env = uvTestEnv();
    delete env.NX_UV_UV_PATH;
    const saved = process.env.NX_UV_UV_PATH;
    delete process.env.NX_UV_UV_PATH;
    try {
      const r = await runUv(['--version'], { cwd: tmp.dir, env });
      expect(r.command).toBe('uv --version');
      expect(r.stdout).toContain('uv 0.13.9');
    } finally {
      if (saved !== undefined) process.env.NX_UV_UV_PATH = saved;
    }
  });

  it('checks the exit code and shows the command and stderr', async () => {
    const err = await runUv(['build', '--no-such-flag'], { cwd: tmp.dir, env: uvTestEnv(), uvPath: uvBin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UvCommandError);
    const e = err as UvCommandError;
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`uv exited with code 2: ${uvBin} build --no-such-flag`);
    expect(e.message).toMatch(/unexpected argument '--no-such-flag'/);
    expect(e.retryable).toBe(false);
  });

  it('redacts secrets from the environment and given explicitly, in stderr, stdout and the command', async () => {
    const uv = fakeUv('echo "stdout has $UV_PUBLISH_TOKEN"; echo "token=$UV_PUBLISH_TOKEN pw=$UV_PUBLISH_PASSWORD extra=hush-hush" >&2; exit 3');
    const err = await rejection<UvCommandError>(
      runUv(['publish', '--token', 'argv-secret', 'hush-hush.whl'], {
        cwd: tmp.dir,
        env: { PATH: process.env.PATH, UV_PUBLISH_TOKEN: 'tok-ABC', UV_PUBLISH_PASSWORD: 'pw-DEF' },
        secrets: ['hush-hush'],
        uvPath: uv,
      }),
    );
    expect(err).toBeInstanceOf(UvCommandError);
    const all = `${err.message}\n${err.stderr}\n${err.command}`;
    for (const s of ['tok-ABC', 'pw-DEF', 'hush-hush', 'argv-secret']) expect(all).not.toContain(s);
    expect(err.stderr).toBe('token=*** pw=*** extra=***');
    expect(err.command).toBe(`${uv} publish --token *** ***.whl`);
    expect(err.exitCode).toBe(3);
  });

  it('marks a transient failure retryable', async () => {
    const uv = fakeUv('echo "error: Failed to publish\n  cause: Server returned status code 503 Service Unavailable" >&2; exit 2');
    const err = await rejection<UvCommandError>(runUv(['publish'], { cwd: tmp.dir, env: { PATH: process.env.PATH }, uvPath: uv }));
    expect(err.retryable).toBe(true);
    expect(err.status).toBe(503);
  });

  it('gives the HTTP status uv reports as a number, and none when it reports none', async () => {
    const refused = fakeUv('echo "error: Failed to publish\n  Caused by: HTTP status client error (401 Unauthorized) for url (http://i/legacy/)" >&2; exit 2');
    const err = await rejection<UvCommandError>(runUv(['publish'], { cwd: tmp.dir, env: { PATH: process.env.PATH }, uvPath: refused }));
    expect(err.status).toBe(401);
    expect(err.retryable).toBe(false);
    const plain = fakeUv('echo "error: No files found" >&2; exit 2');
    expect((await rejection<UvCommandError>(runUv(['publish'], { cwd: tmp.dir, env: { PATH: process.env.PATH }, uvPath: plain }))).status).toBeUndefined();
  });

  it('explains a missing uv', async () => {
    await expect(runUv(['--version'], { cwd: tmp.dir, env: { PATH: '/nonexistent' }, uvPath: path.join(tmp.dir, 'nope', 'uv') })).rejects.toThrow(
      /uv was not found .*NX_UV_UV_PATH/,
    );
  });

  it('a missing working directory is said to be one, not a missing uv', async () => {
    const cwd = path.join(tmp.dir, 'gone');
    const error = await runUv(['--version'], { cwd, env: { ...uvTestEnv(), NX_UV_UV_PATH: uvBin } }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(new RegExp(`^cannot run uv: its working directory ${cwd} does not exist`));
    expect((error as Error).message).not.toMatch(/not found/);
  });

  it('a uv that cannot be executed says why (EACCES), not that uv is missing', async () => {
    const file = fakeUv('echo hi');
    fs.chmodSync(file, 0o644);
    const error = await runUv(['--version'], { cwd: tmp.dir, env: { PATH: '/nonexistent' }, uvPath: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UvCommandError);
    expect((error as Error).message).toMatch(/^cannot start uv \(.*\): EACCES/);
  });
});
