import { compileGlob, GlobSyntaxError, matchGlob } from './glob';

const matches = (pattern: string, text: string): boolean => matchGlob(compileGlob(pattern), text);

describe('glob patterns (Rust `glob` crate semantics, as uv uses them)', () => {
  it.each([
    ['packages/*', 'packages/a', true],
    ['packages/*', 'packages/.hidden', true], // no literal leading dot required
    ['packages/*', 'packages/a/b', true], // whole-path matching: `*` crosses `/` (uv's exclude)
    ['packages/a*', 'packages/ab/c/pkg', true],
    ['packages/a*', 'packages/b', false],
    ['packages/?', 'packages/x', true],
    ['packages/?', 'packages/xy', false],
    ['apps/[xy]', 'apps/x', true],
    ['apps/[xy]', 'apps/z', false],
    ['apps/[!xy]', 'apps/z', true],
    ['apps/[!xy]', 'apps/x', false],
    ['apps/[a-c]1', 'apps/b1', true],
    ['apps/[a-c]1', 'apps/d1', false],
    ['apps/[abc-]', 'apps/-', true],
    ['apps/[]]', 'apps/]', true],
    ['apps/[!]]', 'apps/a', true],
    ['apps/[?]', 'apps/?', true],
    ['apps/[?]', 'apps/a', false],
    ['libs/**/tests', 'libs/tests', true],
    ['libs/**/tests', 'libs/a/b/tests', true],
    ['libs/**/tests', 'libs/xtests', false],
    ['libs/**/tests', 'libs/a/tests/more', false],
    ['libs/**', 'libs/a', true],
    ['libs/**', 'libs/a/b', true],
    ['libs/**', 'libs', false],
    ['**/pkg', 'pkg', true],
    ['**/pkg', 'a/b/pkg', true],
    ['**/pkg', 'apkg', false],
    ['Packages/*', 'packages/a', false], // case-sensitive
    ['literal/path', 'literal/path', true],
    ['literal/path', 'literal/path2', false],
  ])('%s vs %s → %s', (pattern, text, expected) => {
    expect(matches(pattern, text)).toBe(expected);
  });

  it.each([
    ['a***', /wildcards are either regular `\*` or recursive `\*\*`/],
    ['a**/b', /recursive wildcards must form a single path component/],
    ['a/**b', /recursive wildcards must form a single path component/],
    ['a/[b', /invalid range pattern/],
    ['a/[!]', /invalid range pattern/],
  ])('rejects %s', (pattern, message) => {
    expect(() => compileGlob(pattern)).toThrow(GlobSyntaxError);
    expect(() => compileGlob(pattern)).toThrow(message);
  });

  it('flags literal and recursive components', () => {
    expect(compileGlob('packages').literal).toBe(true);
    expect(compileGlob('pack*').literal).toBe(false);
    expect(compileGlob('**').recursive).toBe(true);
    expect(compileGlob('a/**').recursive).toBe(false);
  });

  it('stays linear on patterns that make backtracking matchers explode', () => {
    const pattern = compileGlob('*a*a*a*a*a*a*a*a*a*a*a*a*b');
    const text = 'a'.repeat(5000);
    const started = Date.now();
    expect(matchGlob(pattern, text)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
