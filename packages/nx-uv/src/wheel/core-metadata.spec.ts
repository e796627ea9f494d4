import { metadataValue, metadataValues, parseCoreMetadata } from './core-metadata';

describe('parseCoreMetadata', () => {
  it('reads repeated, folded and case-insensitive fields and the body', () => {
    const md = parseCoreMetadata(
      [
        'Metadata-Version: 2.4',
        'Name: pkg-c',
        'requires-dist: pkg-b==1.0',
        'Requires-Dist: pkg-a[x]==2.0;',
        "  extra == 'all'",
        'Description-Content-Type: text/markdown',
        '',
        '# Title',
        '',
        'Requires-Dist: not-a-header',
      ].join('\r\n'),
    );
    expect(metadataValue(md, 'name')).toBe('pkg-c');
    expect(metadataValues(md, 'Requires-Dist')).toEqual(['pkg-b==1.0', "pkg-a[x]==2.0;\n  extra == 'all'"]);
    expect(metadataValue(md, 'Summary')).toBeUndefined();
    expect(md.body).toBe('# Title\n\nRequires-Dist: not-a-header');
  });
});
