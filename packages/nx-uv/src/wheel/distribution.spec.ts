import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeTempDir, wheelhouse, writeTree } from '../testing/tools';
import { metadataValues } from './core-metadata';
import { distributionKind, readDistributionMetadata, readSdistMetadata, readWheelMetadata } from './distribution';
import { writeZip } from './__fixtures__/zip-writer';

describe('distribution metadata', () => {
  const tmp = makeTempDir('nx-uv-dist-');
  afterAll(() => tmp.cleanup());

  it('knows wheels and sdists by name', async () => {
    expect(distributionKind('/x/a-1-py3-none-any.whl')).toBe('wheel');
    expect(distributionKind('a-1.tar.gz')).toBe('sdist');
    expect(distributionKind('a-1.zip')).toBeUndefined();
    await expect(readDistributionMetadata(path.join(tmp.dir, 'a-1.zip'))).rejects.toThrow(/neither a wheel/);
  });

  it('reads METADATA of a real wheel', async () => {
    const md = await readDistributionMetadata(path.join(wheelhouse, 'hatchling-1.27.0-py3-none-any.whl'));
    expect(md.kind).toBe('wheel');
    expect(md.metadataPath).toBe('hatchling-1.27.0.dist-info/METADATA');
    expect(metadataValues(md.metadata, 'Requires-Dist')).toEqual(expect.arrayContaining([expect.stringMatching(/^pluggy/)]));
  });

  it('picks the .dist-info named after the wheel when there are several, and says when none is', async () => {
    const zip = writeZip([
      { name: 'vendored-9.dist-info/METADATA', data: 'Name: vendored\n' },
      { name: 'my_pkg-1.0.dist-info/METADATA', data: 'Name: my-pkg\n' },
    ]);
    expect((await readWheelMetadata('my_pkg-1.0-py3-none-any.whl', zip)).metadataPath).toBe('my_pkg-1.0.dist-info/METADATA');
    await expect(readWheelMetadata('other-2.0-py3-none-any.whl', zip)).rejects.toThrow(/several .dist-info\/METADATA/);
    await expect(readWheelMetadata('x-1-py3-none-any.whl', writeZip([{ name: 'x/y', data: '' }]))).rejects.toThrow(
      'x-1-py3-none-any.whl: no *.dist-info/METADATA in the wheel',
    );
    await expect(readWheelMetadata('x-1-py3-none-any.whl', writeZip([{ name: 'x-1.dist-info/METADATA', data: Buffer.from([0xff, 0xfe]) }]))).rejects.toThrow(
      /not valid UTF-8/,
    );
  });

  it('reads the top-level PKG-INFO of an sdist, not a nested one', () => {
    writeTree(path.join(tmp.dir, 'src'), {
      'pkg-1.0/PKG-INFO': 'Metadata-Version: 2.2\nName: pkg\nVersion: 1.0\nRequires-Dist: dep==1\n',
      'pkg-1.0/src/pkg.egg-info/PKG-INFO': 'Name: nested\n',
    });
    const out = path.join(tmp.dir, 'pkg-1.0.tar.gz');
    execFileSync('tar', ['-czf', out, '-C', path.join(tmp.dir, 'src'), 'pkg-1.0']);
    const md = readSdistMetadata(out);
    expect(md.metadataPath).toBe('pkg-1.0/PKG-INFO');
    expect(metadataValues(md.metadata, 'Requires-Dist')).toEqual(['dep==1']);

    const none = path.join(tmp.dir, 'none-1.0.tar.gz');
    execFileSync('tar', ['-czf', none, '-C', path.join(tmp.dir, 'src'), 'pkg-1.0/src']);
    expect(() => readSdistMetadata(none)).toThrow(`${none}: no top-level <name>-<version>/PKG-INFO in the sdist`);
    expect(fs.existsSync(none)).toBe(true);
  });
});
