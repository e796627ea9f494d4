import { PluginOptionError, readPluginOptions, readResolvedPluginOptions, resolveBuildOutputPath, resolvePluginOptions } from './plugin-entry';
import type { NxUvPluginOptions } from './options';

const DEFAULT_TARGETS = {
  version: 'version',
  tag: 'tag',
  pin: 'pin',
  build: 'build',
  publish: 'publish',
  releasePlan: 'release-plan',
  releasePr: 'release-pr',
  notify: 'notify',
};

describe('resolvePluginOptions', () => {
  it.each([undefined, null, {}])('fills every default for %j', (raw) => {
    expect(resolvePluginOptions(raw as NxUvPluginOptions | undefined)).toEqual({
      projectName: '{name}',
      workspaceProjectName: 'uv-workspace',
      targetNames: DEFAULT_TARGETS,
      tagFormat: '{name}-v{version}',
      buildOutputPath: 'dist',
      optionalDependencyEdges: true,
      publishExclude: [],
      bumpExclude: [],
    });
  });

  it('keeps given values, disables targets set to false and passes the other options through', () => {
    const groups = { lib: { projects: ['lib-*'], relationship: 'fixed' as const, tagFormat: 'lib-v{version}' } };
    const resolved = resolvePluginOptions({
      projectName: 'py-{name}',
      workspaceProjectName: 'python',
      targetNames: { build: 'py-build', notify: false },
      tagFormat: '{name}@{version}',
      buildOutputPath: 'build/out',
      optionalDependencyEdges: false,
      publishExclude: ['samples-*', 'tag:internal'],
      bumpExclude: ['frozen'],
      releaseLabel: 'release: pending',
      groups,
      umbrellaTag: 'py/v{version}',
      zeroMajorPolicy: 'cargo',
    });
    expect(resolved).toEqual({
      projectName: 'py-{name}',
      workspaceProjectName: 'python',
      targetNames: { ...DEFAULT_TARGETS, build: 'py-build', notify: undefined },
      tagFormat: '{name}@{version}',
      buildOutputPath: 'build/out',
      optionalDependencyEdges: false,
      publishExclude: ['samples-*', 'tag:internal'],
      bumpExclude: ['frozen'],
      releaseLabel: 'release: pending',
      groups,
      umbrellaTag: 'py/v{version}',
      zeroMajorPolicy: 'cargo',
    });
  });

  it.each([
    ['./dist/', 'dist'],
    ['build\\py', 'build/py'],
    ['.//out//', 'out'],
  ])('writes buildOutputPath %j as %j', (given, expected) => {
    expect(resolvePluginOptions({ buildOutputPath: given }).buildOutputPath).toBe(expected);
  });

  it.each([
    ['not an object', 'oops', '', /options must be an object/],
    ['an array', [], '', /options must be an object/],
    [
      'projectName without {name}',
      { projectName: 'py' },
      'projectName',
      /"projectName" must be a string containing \{name\} \(got "py"\); write e\.g\. "py-\{name\}"/,
    ],
    ['projectName not a string', { projectName: 3 }, 'projectName', /"projectName" must be a string containing \{name\}/],
    ['an empty workspaceProjectName', { workspaceProjectName: ' ' }, 'workspaceProjectName', /"workspaceProjectName" must be a non-empty string/],
    ['targetNames not an object', { targetNames: ['build'] }, 'targetNames', /"targetNames" must be an object/],
    ['an unknown targetNames key', { targetNames: { bulid: 'x' } }, 'targetNames.bulid', /unknown key "targetNames\.bulid"; known keys: version, tag, pin/],
    [
      'an empty target name',
      { targetNames: { tag: '' } },
      'targetNames.tag',
      /"targetNames\.tag" must be a non-empty target name or false \(got ""\); remove it for "tag"/,
    ],
    ['a target name that is true', { targetNames: { tag: true } }, 'targetNames.tag', /"targetNames\.tag" must be a non-empty target name or false/],
    [
      'two targets of one name',
      { targetNames: { build: 'publish' } },
      'targetNames.publish',
      /"targetNames\.build" and "targetNames\.publish" are both "publish"/,
    ],
    ['buildOutputPath not a string', { buildOutputPath: 1 }, 'buildOutputPath', /"buildOutputPath" must be a string/],
    ['buildOutputPath outside the project', { buildOutputPath: '../dist' }, 'buildOutputPath', /"buildOutputPath" must be a folder inside the project root/],
    ['buildOutputPath the project root', { buildOutputPath: '.' }, 'buildOutputPath', /"buildOutputPath" must be a folder inside the project root/],
    ['an empty buildOutputPath', { buildOutputPath: '' }, 'buildOutputPath', /"buildOutputPath" must be a folder inside the project root/],
    ['an absolute buildOutputPath', { buildOutputPath: '/tmp/out' }, 'buildOutputPath', /"buildOutputPath" must be a folder inside the project root/],
    [
      'optionalDependencyEdges not a boolean',
      { optionalDependencyEdges: 'no' },
      'optionalDependencyEdges',
      /"optionalDependencyEdges" must be true or false \(got "no"\)/,
    ],
  ])('throws a PluginOptionError naming nx.json for %s', (_label, raw, option, message) => {
    const attempt = () => resolvePluginOptions(raw as unknown as NxUvPluginOptions);
    expect(attempt).toThrow(PluginOptionError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/^nx-uv: invalid plugin option in nx\.json \(plugins → "nx-uv" → options\)/);
    try {
      attempt();
    } catch (e) {
      expect((e as PluginOptionError).option).toBe(option);
    }
  });

  it.each([
    ['tagFormat without {version}', { tagFormat: '{name}' }, /tagFormat "\{name\}" \(nx\.json\) must contain \{name\} and \{version\} exactly once/],
    ['tagFormat git refuses', { tagFormat: '-{name}-v{version}' }, /tagFormat "-\{name\}-v\{version\}" \(nx\.json\) gives tags git refuses/],
    ['a group tagFormat without {version}', { groups: { lib: { projects: ['*'], tagFormat: 'lib' } } }, /tagFormat "lib" of release group "lib" \(nx\.json\)/],
    [
      'umbrellaTag with {name}',
      { umbrellaTag: '{name}-{version}' },
      /umbrellaTag "\{name\}-\{version\}" \(nx\.json\) must contain \{version\} once and no \{name\}/,
    ],
    ['publishExclude not an array', { publishExclude: 'samples' }, /"publishExclude" in nx\.json must be an array/],
    ['bumpExclude with an empty pattern', { bumpExclude: [''] }, /"bumpExclude" in nx\.json must be an array/],
  ])('rejects %s naming nx.json', (_label, raw, message) => {
    expect(() => resolvePluginOptions(raw as unknown as NxUvPluginOptions)).toThrow(message);
  });
});

describe('resolveBuildOutputPath', () => {
  it('is the check resolvePluginOptions applies, for the one option', () => {
    expect(resolveBuildOutputPath(undefined)).toBe('dist');
    expect(resolveBuildOutputPath('./build/py/')).toBe('build/py');
    expect(() => resolveBuildOutputPath('../out')).toThrow(PluginOptionError);
    expect(() => resolveBuildOutputPath(false)).toThrow(/"buildOutputPath" must be a string \(got false\)/);
  });
});

describe('readResolvedPluginOptions', () => {
  it('resolves the first nx-uv entry of nx.json, or the defaults without one', () => {
    const nxJson = { plugins: ['@nx/js', { plugin: 'nx-uv', options: { buildOutputPath: 'out/' } }, { plugin: 'nx-uv', options: { buildOutputPath: 'no' } }] };
    expect(readResolvedPluginOptions(nxJson).buildOutputPath).toBe('out');
    expect(readResolvedPluginOptions({ plugins: ['nx-uv'] })).toEqual(resolvePluginOptions({}));
    expect(readResolvedPluginOptions(null)).toEqual(resolvePluginOptions({}));
  });

  it('names the nx.json entry whose options are not an object', () => {
    expect(() => readPluginOptions({ plugins: [{ plugin: 'nx-uv', options: 'oops' as never }] })).toThrow(
      /nx\.json: plugins\[0\] \(nx-uv\) has "options" that is not an object/,
    );
    expect(() => readResolvedPluginOptions({ plugins: [{ plugin: 'nx-uv', options: 'oops' as never }] })).toThrow(/plugins\[0\] \(nx-uv\)/);
  });
});
