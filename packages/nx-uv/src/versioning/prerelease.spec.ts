import { normalizePrerelease } from './prerelease';

describe('normalizePrerelease', () => {
  it.each([
    ['rc', { phase: 'rc' }],
    ['RC', { phase: 'rc' }],
    ['rc1', { phase: 'rc', minNumber: 1 }],
    ['rc.1', { phase: 'rc', minNumber: 1 }],
    ['rc-2', { phase: 'rc', minNumber: 2 }],
    ['c', { phase: 'rc' }],
    ['pre', { phase: 'rc' }],
    ['preview', { phase: 'rc' }],
    ['Preview.4', { phase: 'rc', minNumber: 4 }],
    ['a', { phase: 'alpha' }],
    ['alpha', { phase: 'alpha' }],
    ['alpha.2', { phase: 'alpha', minNumber: 2 }],
    ['b', { phase: 'beta' }],
    ['beta', { phase: 'beta' }],
    ['b3', { phase: 'beta', minNumber: 3 }],
    ['dev', { phase: 'dev' }],
    ['dev.3', { phase: 'dev', minNumber: 3 }],
    ['dev3', { phase: 'dev', minNumber: 3 }],
    [' rc ', { phase: 'rc' }],
  ])('%j → %j', (input, expected) => {
    expect(normalizePrerelease(input)).toEqual(expected);
  });

  it.each([undefined, null, '', '   '])('%j means no pre-release', (input) => {
    expect(normalizePrerelease(input)).toBeUndefined();
  });

  it.each(['gamma', 'rc.x', 'rc..1', '1', 'rc1.2', 'final'])('rejects %j naming the accepted spellings', (input) => {
    expect(() => normalizePrerelease(input)).toThrow(/invalid pre-release .*use alpha \(a\), beta \(b\), rc \(c, pre, preview\) or dev/);
  });

  it('explains that post is not a pre-release', () => {
    expect(() => normalizePrerelease('post', 'the workflow input')).toThrow(/"post" in the workflow input \(a post-release is not a pre-release/);
  });
});
