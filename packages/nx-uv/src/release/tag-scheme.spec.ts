import { resolveGraphOptions } from '../graph/plugin-options';
import { lastReleaseTags } from './release-tags';
import { tagScheme, type FixedGroup } from './tag-scheme';

const sdk: FixedGroup = { name: 'sdk', members: ['sdk-cli', 'sdk-core'], tagFormat: 'v{version}', lead: 'sdk-core' };
const plugins: FixedGroup = { name: 'agents', members: ['agents', 'agents-plugin-x'], tagFormat: '{name}@{version}', lead: 'agents' };

describe('tagScheme', () => {
  const scheme = tagScheme(undefined, [sdk, plugins]);

  it('tags a fixed group member with its group tag, others per package', () => {
    expect(scheme.tagOf('sdk-cli', '1.3.0rc1')).toBe('v1.3.0rc1');
    expect(scheme.tagOf('agents-plugin-x', '1.7.0')).toBe('agents@1.7.0');
    expect(scheme.tagOf('tool', '0.2.0')).toBe('tool-v0.2.0');
  });

  it('reads a group tag as a release of every member, a package tag as its own', () => {
    expect(scheme.parse('v2.0.0')).toEqual({ members: ['sdk-cli', 'sdk-core'], version: '2.0.0' });
    expect(scheme.parse('agents@1.7.0')).toEqual({ members: ['agents', 'agents-plugin-x'], version: '1.7.0' });
    expect(scheme.parse('tool-v0.2.0')).toEqual({ members: ['tool'], version: '0.2.0' });
    expect(scheme.parse('other@1.0.0')).toBeUndefined();
    expect(scheme.parse('vnext')).toBeUndefined();
  });

  it('the last release per member: the highest of its group tags and its own tags', () => {
    const tags = ['v1.0.0', 'v1.1.0rc1', 'sdk-cli-v1.2.0', 'tool-v0.2.0'].map((name, i) => ({ name, commit: `c${i}`, annotated: true }));
    expect(lastReleaseTags(tags, scheme, ['sdk-cli', 'sdk-core', 'tool'])).toEqual({
      'sdk-cli': { tag: 'sdk-cli-v1.2.0', version: '1.2.0', commit: 'c2' },
      'sdk-core': { tag: 'v1.1.0rc1', version: '1.1.0rc1', commit: 'c1' },
      tool: { tag: 'tool-v0.2.0', version: '0.2.0', commit: 'c3' },
    });
  });

  it.each([
    ['{name}-{name}-{version}', /must contain \{version\} once and \{name\} at most once/],
    ['-v{version}', /starts with "-"/],
    ['release {version}', /holds a space/],
  ])('refuses the group tagFormat %j when the plugin loads, naming the group', (tagFormat, message) => {
    expect(() => resolveGraphOptions({ groups: { lib: { projects: ['*'], relationship: 'fixed', tagFormat } } })).toThrow(message);
    expect(() => resolveGraphOptions({ groups: { lib: { projects: ['*'], relationship: 'fixed', tagFormat } } })).toThrow(/release group "lib" \(nx\.json\)/);
  });
});

describe('a group tag and a member with a version line of its own', () => {
  it('does not count for a member below the tag version (it was not released with the group), and says so', () => {
    const scheme = tagScheme(undefined, [{ name: 'agents', members: ['agents', 'agents-browser'], tagFormat: '{name}@{version}', lead: 'agents' }]);
    const tags = [{ name: 'agents@1.7.0', commit: 'c1', annotated: true }];
    const skipped: string[] = [];
    const releases = lastReleaseTags(
      tags,
      scheme,
      ['agents', 'agents-browser'],
      new Map([
        ['agents', '1.7.0'],
        ['agents-browser', '0.3.0'],
      ]),
      (m, t) => skipped.push(`${m} ${t.tag}`),
    );
    expect(releases).toEqual({ agents: { tag: 'agents@1.7.0', version: '1.7.0', commit: 'c1' } });
    expect(skipped).toEqual(['agents-browser agents@1.7.0']);
  });
});
