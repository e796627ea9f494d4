import { normalizeReleasePrOptions, releaseBranchName } from './options';

describe('release-pr options', () => {
  it('fills defaults and names the release branch per group', () => {
    expect(normalizeReleasePrOptions({})).toEqual({
      bumpType: 'auto',
      prerelease: undefined,
      group: undefined,
      force: false,
      dryRun: false,
      json: false,
      baseBranch: 'main',
      remote: 'origin',
      branchPrefix: 'nx-uv/release',
      branch: 'nx-uv/release',
    });
    expect(normalizeReleasePrOptions({ group: 'libs', branchPrefix: 'release/py', prerelease: ' rc.2 ' })).toMatchObject({
      branch: 'release/py-libs',
      prerelease: 'rc.2',
    });
    expect(releaseBranchName('nx-uv/release', 'my group/..x')).toBe('nx-uv/release-my-group-.x');
  });

  it('rejects bad spellings before anything runs', () => {
    expect(() => normalizeReleasePrOptions({ bumpType: 'huge' as never })).toThrow('invalid --bumpType "huge": use auto, patch, minor or major');
    expect(() => normalizeReleasePrOptions({ prerelease: 'post1' })).toThrow(
      /invalid pre-release "post1" in --prerelease \(a post-release is not a pre-release/,
    );
    expect(() => normalizeReleasePrOptions({ baseBranch: ' ' })).toThrow('--baseBranch must be a non-empty string');
    expect(() => normalizeReleasePrOptions({ dryRun: 'yes' as never })).toThrow('--dryRun must be true or false');
    expect(() => normalizeReleasePrOptions({ branchPrefix: 'main' })).toThrow(/is the base branch itself/);
  });
});
