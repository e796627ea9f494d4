import { BumpLevel, nextVersion, NextVersionAction } from './next-version';
import { normalizePrerelease } from './prerelease';

type Row = [current: string, level: BumpLevel, prerelease: string | undefined, expected: string, action: NextVersionAction];

describe('nextVersion', () => {
  it.each<Row>([
    // Final releases.
    ['1.2.3', 'major', undefined, '2.0.0', 'release'],
    ['1.2.3', 'minor', undefined, '1.3.0', 'release'],
    ['1.2.3', 'patch', undefined, '1.2.4', 'release'],
    ['0.3.7', 'minor', undefined, '0.4.0', 'release'],
    ['1.2', 'patch', undefined, '1.2.1', 'release'],
    ['1.2.3.post2', 'patch', undefined, '1.2.4', 'release'],
    // Starting a series.
    ['1.2.3', 'minor', 'rc', '1.3.0rc1', 'prerelease-start'],
    ['1.2.3', 'major', 'alpha', '2.0.0a1', 'prerelease-start'],
    ['1.2.3', 'patch', 'b', '1.2.4b1', 'prerelease-start'],
    ['1.2.3', 'minor', 'dev', '1.3.0.dev1', 'prerelease-start'],
    ['1.2.3', 'minor', 'rc.1', '1.3.0rc1', 'prerelease-start'],
    ['1.2.3', 'minor', 'rc.4', '1.3.0rc4', 'prerelease-start'],
    // Continuing a series whose target covers the level.
    ['1.3.0rc1', 'minor', 'rc', '1.3.0rc2', 'prerelease-continue'],
    ['1.3.0rc1', 'patch', 'rc', '1.3.0rc2', 'prerelease-continue'],
    ['1.3.0rc1', 'none', 'rc', '1.3.0rc2', 'prerelease-continue'],
    ['1.3.0rc9', 'minor', 'rc', '1.3.0rc10', 'prerelease-continue'],
    ['2.0.0b2', 'major', 'beta', '2.0.0b3', 'prerelease-continue'],
    ['1.3.1rc1', 'patch', 'rc', '1.3.1rc2', 'prerelease-continue'],
    ['1.3.0.dev2', 'minor', 'dev', '1.3.0.dev3', 'prerelease-continue'],
    ['1.3.0rc1.dev2', 'patch', 'rc', '1.3.0rc1', 'prerelease-continue'],
    // The peers' rc.1 → rc.11 bug: a number is a floor, not a suffix.
    ['1.3.0rc1', 'minor', 'rc.1', '1.3.0rc2', 'prerelease-continue'],
    ['1.3.0rc1', 'minor', 'rc.5', '1.3.0rc5', 'prerelease-continue'],
    ['1.3.0.dev1', 'minor', 'dev.3', '1.3.0.dev3', 'prerelease-continue'],
    // A bigger change than the series covers starts a new one.
    ['1.3.0rc2', 'major', 'rc', '2.0.0rc1', 'prerelease-start'],
    ['1.3.1rc1', 'minor', 'rc', '1.4.0rc1', 'prerelease-start'],
    ['1.3.0.dev4', 'major', 'dev', '2.0.0.dev1', 'prerelease-start'],
    // Phase moves up.
    ['1.3.0a2', 'minor', 'beta', '1.3.0b1', 'prerelease-phase'],
    ['1.3.0b2', 'none', 'rc', '1.3.0rc1', 'prerelease-phase'],
    ['1.3.0.dev3', 'patch', 'alpha', '1.3.0a1', 'prerelease-phase'],
    ['1.3.0a1', 'patch', 'rc.3', '1.3.0rc3', 'prerelease-phase'],
    // Graduation.
    ['1.3.0rc2', 'none', undefined, '1.3.0', 'graduate'],
    ['1.3.0rc2', 'minor', undefined, '1.3.0', 'graduate'],
    ['1.3.0rc2', 'patch', undefined, '1.3.0', 'graduate'],
    ['2.0.0b1', 'major', undefined, '2.0.0', 'graduate'],
    ['1.3.0.dev5', 'minor', undefined, '1.3.0', 'graduate'],
    ['1.3.0rc2', 'major', undefined, '2.0.0', 'release'],
    // Epochs are kept.
    ['1!1.2.3', 'minor', undefined, '1!1.3.0', 'release'],
    ['1!1.2.3', 'minor', 'rc', '1!1.3.0rc1', 'prerelease-start'],
    ['2!1.3.0rc1', 'none', undefined, '2!1.3.0', 'graduate'],
    // Input spelling does not matter; output is always normalised.
    ['1.3.0-RC.1', 'minor', 'rc', '1.3.0rc2', 'prerelease-continue'],
    ['1.3.0-rc.2', 'none', undefined, '1.3.0', 'graduate'],
  ])('%s + %s + %s → %s', (current, level, pre, expected, action) => {
    expect(nextVersion(current, { level, prerelease: normalizePrerelease(pre) })).toEqual({ version: expected, action });
  });

  it.each<[string, BumpLevel, string]>([
    ['1.3.0rc2', 'minor', 'alpha'],
    ['1.3.0rc2', 'patch', 'beta'],
    ['1.3.0b1', 'none', 'dev'],
  ])('refuses to go down a phase: %s + %s + %s', (current, level, pre) => {
    expect(() => nextVersion(current, { level, prerelease: normalizePrerelease(pre) }, 'pkg-a')).toThrow(
      /cannot go from (rc|beta) back to (alpha|beta|dev) of pkg-a/,
    );
  });

  it('refuses a local version for release, naming the package and the fix', () => {
    expect(() => nextVersion('1.2.3+local', { level: 'minor' }, 'pkg-a')).toThrow(
      /version 1\.2\.3\+local of pkg-a has a local label \(\+local\).*remove the \+… part/,
    );
  });

  it('refuses nothing to do on a final release', () => {
    expect(() => nextVersion('1.2.3', { level: 'none' }, 'pkg-a')).toThrow(/nothing to release/);
    expect(() => nextVersion('1.2.3', { level: 'none', prerelease: { phase: 'rc' } }, 'pkg-a')).toThrow(/a pre-release needs a major, minor or patch bump/);
  });

  it('refuses an invalid current version', () => {
    expect(() => nextVersion('one.two', { level: 'minor' }, 'pkg-a')).toThrow(/"one.two" is not a valid PEP 440 version \(version of pkg-a\)/);
  });
});
