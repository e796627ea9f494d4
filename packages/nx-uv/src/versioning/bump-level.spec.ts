import { levelForImpact, levelForImpacts, ZeroMajorPolicy } from './bump-level';
import { CommitImpact } from './commits';

describe('levelForImpact', () => {
  it.each<[CommitImpact, string, ZeroMajorPolicy, string]>([
    ['breaking', '1.2.3', 'cargo', 'major'],
    ['feature', '1.2.3', 'cargo', 'minor'],
    ['fix', '1.2.3', 'cargo', 'patch'],
    ['none', '1.2.3', 'cargo', 'none'],
    ['breaking', '0.4.2', 'cargo', 'minor'],
    ['feature', '0.4.2', 'cargo', 'patch'],
    ['fix', '0.4.2', 'cargo', 'patch'],
    ['breaking', '0.4.2', 'features-minor', 'minor'],
    ['feature', '0.4.2', 'features-minor', 'minor'],
    ['fix', '0.4.2', 'features-minor', 'patch'],
    ['breaking', '0.4.2', 'semver', 'major'],
    ['feature', '0.4.2', 'semver', 'minor'],
    ['breaking', '0.4.0rc1', 'cargo', 'minor'],
    ['breaking', '1!0.4.2', 'cargo', 'minor'],
  ])('%s on %s with %s → %s', (impact, version, policy, level) => {
    expect(levelForImpact(impact, version, policy)).toBe(level);
  });

  it('defaults to features-minor (as Nx Release, release-please and python-semantic-release do)', () => {
    expect(levelForImpact('breaking', '0.1.0')).toBe('minor');
    expect(levelForImpact('feature', '0.1.0')).toBe('minor');
    expect(levelForImpact('fix', '0.1.0')).toBe('patch');
    expect(levelForImpact('feature', '0.1.0', 'cargo')).toBe('patch');
  });

  it('takes the largest level', () => {
    expect(levelForImpacts(['fix', 'feature', 'none'], '1.0.0')).toBe('minor');
    expect(levelForImpacts([], '1.0.0')).toBe('none');
  });
});
