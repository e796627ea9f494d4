import { resolveGraphOptions } from '../graph/plugin-options';
import { assertTagFormat, formatReleaseTag, parseReleaseTag } from './tag-name';

describe('release tag names', () => {
  it('formats with the default and a custom format, normalising the version', () => {
    expect(formatReleaseTag(undefined, 'pkg-a', '1.2.0')).toBe('pkg-a-v1.2.0');
    expect(formatReleaseTag(undefined, 'pkg-b', '1.3.0-RC.1')).toBe('pkg-b-v1.3.0rc1');
    expect(formatReleaseTag('release/{name}@{version}', 'pkg-a', '2.0')).toBe('release/pkg-a@2.0');
  });

  it('parses tags back, taking the longest name', () => {
    expect(parseReleaseTag(undefined, 'pkg-a-v1.2.0')).toEqual({ tag: 'pkg-a-v1.2.0', name: 'pkg-a', version: '1.2.0' });
    expect(parseReleaseTag(undefined, 'my-viewer-v1.0rc1')).toEqual({ tag: 'my-viewer-v1.0rc1', name: 'my-viewer', version: '1.0rc1' });
    expect(parseReleaseTag('release/{name}@{version}', 'release/pkg-a@2.0')).toEqual({ tag: 'release/pkg-a@2.0', name: 'pkg-a', version: '2.0' });
    expect(parseReleaseTag(undefined, 'v1.2.0')).toBeUndefined();
    expect(parseReleaseTag(undefined, 'pkg-a-vnext')).toBeUndefined();
    expect(parseReleaseTag('release/{name}@{version}', 'pkg-a-v1.2.0')).toBeUndefined();
  });

  it('rejects a format without both placeholders', () => {
    expect(() => assertTagFormat('v{version}')).toThrow(/tagFormat "v\{version\}".*must contain \{name\} and \{version\}/);
    expect(() => formatReleaseTag('{name}', 'a', '1')).toThrow(/tagFormat/);
  });

  it.each([
    ['-{name}-v{version}', /starts with "-"/],
    ['../{name}-v{version}', /holds "\.\."/],
    ['{name} v{version}', /holds a space/],
    ['{name}-v{version}.lock', /ends with "\.lock"/],
    ['$({name})~{version}', /one of ~ \^/],
  ])('rejects %j, naming the option and what git refuses', (format, why) => {
    expect(() => assertTagFormat(format)).toThrow(why);
    expect(() => assertTagFormat(format)).toThrow(/plugin option tagFormat .* \(nx\.json\) gives tags git refuses/);
  });

  it('the graph refuses a bad tagFormat when the plugin loads', () => {
    expect(() => resolveGraphOptions({ tagFormat: '-{name}-v{version}' })).toThrow(/tagFormat "-\{name\}-v\{version\}" \(nx\.json\) gives tags git refuses/);
    expect(() => resolveGraphOptions({ tagFormat: '{name}@{version}' })).not.toThrow();
  });
});
