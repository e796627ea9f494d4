import * as semver from 'semver';
import { newVersionLogText, pep440NewVersion, Pep440ReleaseError, reconcileTagVersion } from './new-version';

const next = (current: string | null, input: string, preid = '', adjustZeroMajor = true) =>
  pep440NewVersion(current, input, preid, { adjustZeroMajor, project: 'pkg-a' }).version;

describe('pep440NewVersion', () => {
  it.each([
    // [current, Nx input, preid, expected]
    ['1.2.0', 'major', '', '2.0.0'],
    ['1.2.0', 'minor', '', '1.3.0'],
    ['1.2.0', 'patch', '', '1.2.1'],
    ['1.2.0', 'minor', 'rc', '1.3.0'], // like Nx: a plain level ignores --preid
    ['1.2.0', 'preminor', 'rc', '1.3.0rc1'],
    ['1.2.0', 'premajor', 'beta', '2.0.0b1'],
    ['1.2.0', 'prepatch', 'alpha', '1.2.1a1'],
    ['1.2.0', 'prepatch', 'dev', '1.2.1.dev1'],
    ['1.2.0', 'prerelease', 'rc', '1.2.1rc1'],
    ['1.2', 'minor', '', '1.3'],
  ])('%s + %s (preid %j) → %s', (current, input, preid, expected) => {
    expect(next(current, input, preid)).toBe(expected);
  });

  it('continues a pre-release series (rc1 → rc2) for prerelease and for a pre-bump the series covers', () => {
    expect(next('1.3.0rc1', 'prerelease', 'rc')).toBe('1.3.0rc2');
    expect(next('1.3.0rc1', 'prerelease', '')).toBe('1.3.0rc2');
    expect(next('1.3.0rc1', 'preminor', 'rc')).toBe('1.3.0rc2');
    expect(next('1.3.0rc1', 'prepatch', 'rc')).toBe('1.3.0rc2');
    expect(next('1.3.0rc9', 'prerelease', 'rc')).toBe('1.3.0rc10');
    expect(next('1.3.0.dev2', 'prerelease', '')).toBe('1.3.0.dev3');
  });

  it('moves a series up a phase, and refuses to go back', () => {
    expect(next('1.3.0a2', 'prerelease', 'beta')).toBe('1.3.0b1');
    expect(next('1.3.0b1', 'preminor', 'rc')).toBe('1.3.0rc1');
    expect(() => next('1.3.0rc1', 'prerelease', 'alpha')).toThrow(/cannot go from rc back to alpha of pkg-a/);
  });

  it('starts a new series when the level is more than the series covers', () => {
    expect(next('1.3.0rc2', 'premajor', 'rc')).toBe('2.0.0rc1');
    expect(next('1.2.1rc1', 'preminor', 'rc')).toBe('1.3.0rc1');
  });

  it('graduates a series with a plain level it covers, and releases past it with a larger one', () => {
    expect(next('1.3.0rc2', 'minor')).toBe('1.3.0');
    expect(next('1.3.0rc2', 'patch')).toBe('1.3.0');
    expect(next('1.3.0rc2', 'major')).toBe('2.0.0');
  });

  it('never produces npm semver prereleases', () => {
    expect(semver.inc('1.2.0', 'preminor', 'rc')).toBe('1.3.0-rc.0'); // what Nx itself would write
    for (const [current, input] of [
      ['1.2.0', 'preminor'],
      ['1.2.0', 'prerelease'],
      ['1.3.0rc1', 'prerelease'],
      ['0.4.0', 'premajor'],
    ]) {
      expect(next(current, input, 'rc')).not.toMatch(/-rc\.|-\d/);
    }
  });

  it('shifts major/minor down before 1.0 like Nx (adjustSemverBumpsForZeroMajorVersion), unless turned off', () => {
    expect(next('0.5.0', 'major')).toBe('0.6.0');
    expect(next('0.5.0', 'minor')).toBe('0.5.1');
    expect(next('0.5.0', 'patch')).toBe('0.5.1');
    expect(next('0.5.0', 'premajor', 'rc')).toBe('0.6.0rc1');
    expect(next('0.5.0', 'major', '', false)).toBe('1.0.0');
    expect(next('0.5.0', 'minor', '', false)).toBe('0.6.0');
    expect(next('1.5.0', 'major')).toBe('2.0.0');
  });

  it('accepts explicit PEP 440 versions (any spelling) and writes them normalised', () => {
    expect(next('1.2.0', '1.3.0rc1')).toBe('1.3.0rc1');
    expect(next('1.2.0', 'v2.0.0')).toBe('2.0.0');
    expect(next('1.2.0', '1.3.0-rc.1')).toBe('1.3.0rc1');
    expect(next('1.2.0', '1.3.0.RC1')).toBe('1.3.0rc1');
    expect(next(null, '1.0.0')).toBe('1.0.0');
    expect(pep440NewVersion('1.2.0', '1.3.0', '').action).toBe('explicit');
  });

  it('rejects what cannot be released, naming the project and what to give', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a failure');
    };
    const local = err(() => next('1.2.0', '1.3.0+local.1'));
    expect(local).toBeInstanceOf(Pep440ReleaseError);
    expect(local.message).toMatch(/project "pkg-a".*local label/);
    expect(err(() => next('1.2.0', 'banana')).message).toMatch(/"banana" is not a valid PEP 440 version .*project "pkg-a"/);
    expect(err(() => next(null, 'minor')).message).toMatch(/no current version was resolved for project "pkg-a".*explicit PEP 440 version/);
    expect(err(() => next('1.2.0', 'prerelease', '')).message).toMatch(/needs a pre-release phase: pass --preid=rc/);
    expect(err(() => next('1.2.0', 'preminor', 'post')).message).toMatch(/invalid pre-release "post"/);
    expect(err(() => next('not-a-version', 'minor')).message).toMatch(/current version for project "pkg-a"/);
  });
});

describe('newVersionLogText', () => {
  it('says what was applied, why, and the new version, in the shape of Nx’s own line', () => {
    const r = pep440NewVersion('1.2.0', 'preminor', 'rc');
    expect(newVersionLogText('preminor', r, 'USER_SPECIFIER')).toBe(
      '❓ Applied PEP 440 pre-release (new series) for "preminor", from the given specifier, to get new version 1.3.0rc1',
    );
    expect(newVersionLogText('1.3.0', pep440NewVersion('1.2.0', '1.3.0', ''), 'VERSION_PLANS', { versionPlanPath: '.nx/version-plans/x.md' })).toBe(
      '❓ Applied explicit PEP 440 version "1.3.0", read from version plan .nx/version-plans/x.md, to get new version 1.3.0',
    );
    expect(newVersionLogText('minor', pep440NewVersion('1.3.0rc1', 'minor', ''), 'SOMETHING_NEW')).toBe(
      '❓ Applied PEP 440 graduation of the pre-release series for "minor" to get new version 1.3.0',
    );
  });
});

describe('reconcileTagVersion', () => {
  it('takes the manifest version when git’s tag order handed Nx an older pre-release', () => {
    const r = reconcileTagVersion('1.3.0rc2', '1.3.0');
    expect(r?.version).toBe('1.3.0');
    expect(r?.note).toMatch(/latest \(1\.3\.0rc2\) is older than 1\.3\.0 in the manifest.*versionsort\.suffix/);
  });

  it('keeps Nx’s version when it is the same or newer, and when anything is unreadable', () => {
    expect(reconcileTagVersion('1.3.0', '1.3.0')).toEqual({ version: '1.3.0' });
    expect(reconcileTagVersion('1.4.0', '1.3.0')).toEqual({ version: '1.4.0' });
    expect(reconcileTagVersion(null, '1.3.0')).toBeUndefined();
    expect(reconcileTagVersion('1.3.0', undefined)).toBeUndefined();
    expect(reconcileTagVersion('1.3.0', 'dynamic')).toBeUndefined();
  });
});
