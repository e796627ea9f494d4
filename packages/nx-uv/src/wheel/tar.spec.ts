import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { makeTempDir, writeTree } from '../testing/tools';
import { listTarEntries, listTarGzEntries } from './tar';

describe('listTarEntries', () => {
  const tmp = makeTempDir('nx-uv-tar-');
  afterAll(() => tmp.cleanup());

  const deep = `pkg-1.0/${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(40)}.txt`; // > 100 characters
  beforeAll(() => {
    writeTree(path.join(tmp.dir, 'src'), {
      'pkg-1.0/PKG-INFO': 'Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n',
      'pkg-1.0/big.bin': 'z'.repeat(1500),
      'pkg-1.0/empty.txt': '',
      [deep]: 'deep',
    });
  });

  // GNU tar writes each format the way other tools do: ustar (prefix field), gnu (././@LongLink), pax (path record).
  for (const format of ['ustar', 'gnu', 'pax']) {
    it(`reads a ${format} archive made by GNU tar, long names included`, () => {
      const out = path.join(tmp.dir, `${format}.tar.gz`);
      execFileSync('tar', [`--format=${format}`, '-czf', out, '-C', path.join(tmp.dir, 'src'), 'pkg-1.0']);
      const entries = listTarGzEntries(fs.readFileSync(out), out);
      const files = Object.fromEntries(entries.filter((e) => e.type === '0').map((e) => [e.name, e.data.toString('utf8')]));
      expect(files).toEqual({
        'pkg-1.0/PKG-INFO': 'Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n',
        'pkg-1.0/big.bin': 'z'.repeat(1500),
        'pkg-1.0/empty.txt': '',
        [deep]: 'deep',
      });
      expect(entries.filter((e) => e.type === '5').map((e) => e.name.replace(/\/$/, ''))).toContain('pkg-1.0');
    });
  }

  it('strips ./ and rejects a damaged header', () => {
    const out = path.join(tmp.dir, 'dot.tar');
    execFileSync('tar', ['--format=ustar', '-cf', out, '-C', path.join(tmp.dir, 'src'), './pkg-1.0/PKG-INFO']);
    const tar = fs.readFileSync(out);
    expect(listTarEntries(tar).map((e) => e.name)).toEqual(['pkg-1.0/PKG-INFO']);
    const broken = Buffer.from(tar);
    broken[10] ^= 0xff;
    expect(() => listTarEntries(broken, 'x.tar')).toThrow('x.tar: damaged tar header at byte 0');
    expect(() => listTarGzEntries(Buffer.from('nope'), 'y.tar.gz')).toThrow(/^y\.tar\.gz: not a gzip file/);
    const bigTar = path.join(tmp.dir, 'big.tar');
    execFileSync('tar', ['--format=ustar', '-cf', bigTar, '-C', path.join(tmp.dir, 'src'), 'pkg-1.0/big.bin']);
    expect(() => listTarGzEntries(gzipSync(fs.readFileSync(bigTar).subarray(0, 1200)), 'z.tar.gz')).toThrow('z.tar.gz: tar entry at byte 0 is truncated');
  });
});
