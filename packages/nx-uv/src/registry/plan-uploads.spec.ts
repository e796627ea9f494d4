import { UploadConflictError } from './errors';
import { assertNoConflicts, planUploads } from './plan-uploads';

const h = (c: string) => c.repeat(64);
const local = [
  { path: '/d/a-1.0-py3-none-any.whl', filename: 'a-1.0-py3-none-any.whl', sha256: h('1') },
  { path: '/d/a-1.0.tar.gz', filename: 'a-1.0.tar.gz', sha256: h('2') },
  { path: '/d/a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', filename: 'a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', sha256: h('3') },
];

describe('planUploads', () => {
  it('uploads what is missing, skips identical files, reports changed ones', () => {
    const plan = planUploads(local, [
      { filename: 'a-1.0-py3-none-any.whl', sha256: h('1').toUpperCase(), url: 'u1' },
      { filename: 'a-1.0.tar.gz', sha256: h('f'), url: 'u2' },
      { filename: 'a-0.9.tar.gz', sha256: h('9'), url: 'u0' },
    ]);
    expect(plan.skip.map((f) => f.filename)).toEqual(['a-1.0-py3-none-any.whl']);
    expect(plan.upload.map((f) => f.filename)).toEqual(['a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl']);
    expect(plan.conflicts).toEqual([{ filename: 'a-1.0.tar.gz', path: '/d/a-1.0.tar.gz', localSha256: h('2'), remoteSha256: h('f') }]);
  });

  it('a file listed without a hash cannot be verified: conflict', () => {
    const plan = planUploads(local.slice(1, 2), [{ filename: 'a-1.0.tar.gz', url: 'u' }]);
    expect(plan.conflicts).toEqual([{ filename: 'a-1.0.tar.gz', path: '/d/a-1.0.tar.gz', localSha256: h('2') }]);
  });

  it('everything new on an empty index', () => {
    expect(planUploads(local, [])).toEqual({ upload: local, skip: [], conflicts: [] });
  });

  it('rejects two local files with one name', () => {
    expect(() => planUploads([local[0], { ...local[0], path: '/other/x.whl' }], [])).toThrow(
      /same name a-1\.0-py3-none-any\.whl: \/d\/a-1\.0-py3-none-any\.whl and \/other\/x\.whl/,
    );
  });

  it('assertNoConflicts names the file, both hashes and the index', () => {
    const plan = planUploads(local.slice(1, 2), [{ filename: 'a-1.0.tar.gz', sha256: h('f'), url: 'u' }]);
    let err: unknown;
    try {
      assertNoConflicts(plan, 'https://test.pypi.org/simple/');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UploadConflictError);
    const msg = (err as Error).message;
    expect(msg).toContain('https://test.pypi.org/simple/');
    expect(msg).toContain(`a-1.0.tar.gz: index has sha256 ${h('f')}, local /d/a-1.0.tar.gz has ${h('2')}`);
    expect(msg).toMatch(/bump the version/);
    expect(() => assertNoConflicts(planUploads(local, []), 'x')).not.toThrow();
  });
});
