import * as fs from 'node:fs';
import * as path from 'node:path';
import { wheelhouse } from '../testing/tools';
import { crc32 } from 'node:zlib';
import { DistributionFormatError } from './errors';
import { listZipEntries, readZipEntry } from './zip';
import { writeZip } from './__fixtures__/zip-writer';

const text = (b: Buffer) => b.toString('utf8');

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.alloc(0))).toBe(0);
  });
});

describe('listZipEntries / readZipEntry', () => {
  it('reads every entry of a real wheel, each checked against its CRC-32', async () => {
    const file = path.join(wheelhouse, 'hatchling-1.27.0-py3-none-any.whl');
    const zip = fs.readFileSync(file);
    const entries = await listZipEntries(zip, file);
    expect(entries.length).toBeGreaterThan(20);
    const names = entries.map((e) => e.name);
    expect(names).toContain('hatchling-1.27.0.dist-info/METADATA');
    expect(names).toContain('hatchling/__init__.py');
    let total = 0;
    for (const e of entries) total += (await readZipEntry(zip, e, file)).length;
    expect(total).toBe(entries.reduce((n, e) => n + e.uncompressedSize, 0));
    const metadata = text(await readZipEntry(zip, entries.find((e) => e.name.endsWith('.dist-info/METADATA'))!, file));
    expect(metadata).toMatch(/^Metadata-Version: /);
    expect(metadata).toContain('\nName: hatchling\n');
    expect(metadata).toContain('\nVersion: 1.27.0\n');
  });

  it('reads stored and deflated entries, with an archive comment', async () => {
    const zip = writeZip(
      [
        { name: 'a.txt', data: 'stored text', method: 0 },
        { name: 'dir/b.txt', data: 'deflated '.repeat(100), method: 8 },
        { name: 'ünï.txt', data: '' },
      ],
      { comment: 'a comment with PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0 inside' },
    );
    const entries = await listZipEntries(zip);
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['a.txt', 0],
      ['dir/b.txt', 8],
      ['ünï.txt', 8],
    ]);
    expect(text(await readZipEntry(zip, entries[0]))).toBe('stored text');
    expect(text(await readZipEntry(zip, entries[1]))).toBe('deflated '.repeat(100));
    expect((await readZipEntry(zip, entries[2])).length).toBe(0);
  });

  it('reads ZIP64 records', async () => {
    const zip = writeZip([{ name: 'x/METADATA', data: 'Name: x\n' }, { name: 'y', data: 'yy', method: 0 }], { zip64: true });
    const entries = await listZipEntries(zip);
    expect(entries.map((e) => e.name)).toEqual(['x/METADATA', 'y']);
    expect(entries[1].localHeaderOffset).toBeGreaterThan(0);
    expect(text(await readZipEntry(zip, entries[0]))).toBe('Name: x\n');
    expect(text(await readZipEntry(zip, entries[1]))).toBe('yy');
  });

  it('rejects damaged archives with the file name', async () => {
    await expect(listZipEntries(Buffer.from('not a zip at all, not even close'), 'x.whl')).rejects.toThrow(/^x\.whl: not a zip archive/);
    await expect(listZipEntries(Buffer.alloc(5), 'x.whl')).rejects.toThrow(DistributionFormatError);
    const badCrc = writeZip([{ name: 'm', data: 'hello', crc32: 1234 }]);
    await expect(readZipEntry(badCrc, (await listZipEntries(badCrc))[0], 'b.whl')).rejects.toThrow('b.whl: m fails its CRC-32 check');
    const badSize = writeZip([{ name: 'm', data: 'hello world', uncompressedSize: 3 }]);
    await expect(readZipEntry(badSize, (await listZipEntries(badSize))[0], 'c.whl')).rejects.toThrow(/c\.whl: m is \d+ bytes, the archive says 3|cannot be inflated/);
    const encrypted = writeZip([{ name: 'm', data: 'x', flags: 0x801 }]);
    await expect(readZipEntry(encrypted, (await listZipEntries(encrypted))[0])).rejects.toThrow(/encrypted/);
    const zip = writeZip([{ name: 'm', data: 'x', method: 0 }]);
    zip.writeUInt16LE(12, zip.indexOf(Buffer.from('PK\x01\x02', 'latin1')) + 10); // bzip2 in the central directory
    await expect(readZipEntry(zip, (await listZipEntries(zip))[0])).rejects.toThrow(/compression method 12/);
    const truncated = writeZip([{ name: 'm', data: 'x'.repeat(50), method: 0 }]);
    const cut = Buffer.concat([truncated.subarray(0, 40), truncated.subarray(truncated.indexOf(Buffer.from('PK\x01\x02', 'latin1')))]);
    await expect(listZipEntries(cut)).rejects.toThrow(/central directory/);
  });
});
