import { parse } from 'smol-toml';
import { mapArrayStrings, replaceArrayString, setStringValue, getStringValue, TomlEditError } from './index';

/** Replaces the first `from` found after the unique `anchor`: the expected output, computed independently. */
function replaceAfter(text: string, anchor: string, from: string, to: string): string {
  const a = text.indexOf(anchor);
  if (a < 0 || text.indexOf(anchor, a + 1) >= 0) throw new Error(`anchor ${anchor} must occur exactly once`);
  const i = text.indexOf(from, a);
  if (i < 0) throw new Error(`${from} not after ${anchor}`);
  return text.slice(0, i) + to + text.slice(i + from.length);
}

const get = (doc: unknown, path: string[]): unknown => path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);

const UGLY = [
  '# ☃ nx-uv fixture: comments everywhere, 😀 before the target shifts UTF-16 offsets',
  '[build-system]',
  'requires = ["uv_build>=0.13,<0.14"] # backend',
  'build-backend = "uv_build"',
  '',
  '[project]   # the project',
  'name\t=\t"pkg-a"  # tabs around =',
  '"version" = \'1.0.0\' # literal string, quoted key',
  'description = "Ünïcödé 😀 \\"quoted\\""',
  'dependencies = [',
  '\t# leading comment',
  '\t"pkg-b>=1.0",   # trailing comment',
  '\t\'pkg-c [x,y] >= 2 ; python_version >= "3.9"\',',
  '\t"requests",',
  '\t# comment before the closing bracket, after a trailing comma',
  ']',
  '',
  '[project.optional-dependencies]',
  '"my.extra" = ["pkg-b[z]>=1", ]',
  'cli = [ "click" ,\'pkg-c\' ] # two styles',
  '',
  '[tool.poetry]',
  "version = '1.0.0'",
  '',
  '[tool.x.project]',
  "version = '1.0.0'",
  'dependencies = ["pkg-b>=1.0"]',
  '',
  '[dependency-groups]',
  'dev = ["pkg-b>=1.0"]',
  '',
].join('\n');

const CRLF = UGLY.replace(/\n/g, '\r\n');

describe.each([
  ['LF', UGLY],
  ['CRLF', CRLF],
])('setStringValue on an ugly [project] table (%s)', (_label, input) => {
  it('changes only the version token, keeping the literal quote style', () => {
    const out = setStringValue(input, ['project', 'version'], '2.0.0rc1', 'pkg-a/pyproject.toml');
    expect(out).toBe(replaceAfter(input, '"version" = ', "'1.0.0'", "'2.0.0rc1'"));
    const doc = parse(out);
    expect(get(doc, ['project', 'version'])).toBe('2.0.0rc1');
    expect(get(doc, ['tool', 'poetry', 'version'])).toBe('1.0.0');
    expect(get(doc, ['tool', 'x', 'project', 'version'])).toBe('1.0.0');
    if (input === CRLF) expect(out.split('\r\n').length).toBe(input.split('\r\n').length);
  });

  it('escapes a basic string and keeps its unicode neighbours', () => {
    const value = 'say "hi" \\ back\tslash — ünï 😀';
    const out = setStringValue(input, ['project', 'description'], value);
    expect(out).toBe(replaceAfter(input, 'description = ', '"Ünïcödé 😀 \\"quoted\\""', '"say \\"hi\\" \\\\ back\tslash — ünï 😀"'));
    expect(get(parse(out), ['project', 'description'])).toBe(value);
  });

  it("switches one literal value to a basic string when it holds a ' (only that value)", () => {
    const out = setStringValue(input, ['project', 'version'], "1.0'", 'f.toml');
    expect(out).toBe(replaceAfter(input, '"version" = ', "'1.0.0'", '"1.0\'"'));
    expect(get(parse(out), ['project', 'version'])).toBe("1.0'");
  });

  it('escapes control characters', () => {
    const out = setStringValue(input, ['project', 'name'], 'a\nb\u0001c\u007f');
    expect(out).toBe(replaceAfter(input, 'name\t=\t', '"pkg-a"', '"a\\nb\\u0001c\\u007F"'));
    expect(get(parse(out), ['project', 'name'])).toBe('a\nb\u0001c\u007f');
  });

  it('returns the input untouched when the value is already right', () => {
    expect(setStringValue(input, ['project', 'version'], '1.0.0')).toBe(input);
  });

  it('reaches a table nested under a quoted key', () => {
    const out = setStringValue(input, ['tool', 'x', 'project', 'version'], '9');
    expect(out).toBe(replaceAfter(input, '[tool.x.project]', "'1.0.0'", "'9'"));
    expect(get(parse(out), ['project', 'version'])).toBe('1.0.0');
  });
});

describe('setStringValue on other spellings of the key path', () => {
  it('edits a dotted key at top level and leaves a decoy dotted key alone', () => {
    const input = [
      'tool.x.project.version = "1.0.0" # decoy first',
      'project.name = "pkg-a"',
      'project . version = "1.0.0" # spaces around the dot',
      'project.dependencies = ["pkg-b>=1.0"]',
      '',
    ].join('\n');
    const out = setStringValue(input, ['project', 'version'], '1.1.0', 'a.toml');
    expect(out).toBe(replaceAfter(input, 'project . version', '"1.0.0"', '"1.1.0"'));
    expect(get(parse(out), ['tool', 'x', 'project', 'version'])).toBe('1.0.0');
  });

  it('edits inside inline tables, nested ones included', () => {
    const input = ['[tool.x]', 'project = { version = "1.0.0" }', '[other]', 'x = 1', ''].join('\n');
    const top = 'project = { name = "a", version = "1.0.0", optional-dependencies = { cli = [\'pkg-b\'] } }\n' + input;
    const out = setStringValue(top, ['project', 'version'], '3');
    expect(out).toBe(top.replace('version = "1.0.0", optional', 'version = "3", optional'));
    const out2 = replaceArrayString(top, ['project', 'optional-dependencies', 'cli'], 0, 'pkg-b==3');
    expect(out2).toBe(top.replace("['pkg-b']", "['pkg-b==3']"));
    expect(get(parse(out2), ['project', 'optional-dependencies', 'cli'])).toEqual(['pkg-b==3']);
  });

  it('edits a dotted key inside a table and a multi-line string, keeping its delimiters', () => {
    const input = ['[project]', "optional-dependencies.cli = ['pkg-b']", "description = '''", 'two', "lines'''", 'readme.text = """x"""', ''].join('\n');
    const out = replaceArrayString(input, ['project', 'optional-dependencies', 'cli'], 0, 'pkg-b==1');
    expect(out).toBe(input.replace("['pkg-b']", "['pkg-b==1']"));
    const out2 = setStringValue(input, ['project', 'description'], '\nthree\nlines');
    expect(out2).toBe(input.replace("'''\ntwo\nlines'''", "'''\n\nthree\nlines'''"));
    expect(get(parse(out2), ['project', 'description'])).toBe('\nthree\nlines');
    const out3 = setStringValue(input, ['project', 'readme', 'text'], 'a "q"');
    expect(out3).toBe(input.replace('"""x"""', '"""a \\"q\\""""'));
    expect(get(parse(out3), ['project', 'readme', 'text'])).toBe('a "q"');
  });

  it('leaves array-of-tables and same-named keys of other tables alone', () => {
    const input = [
      '[[tool.y]]',
      'project.version = "1.0.0"',
      '[[tool.y]]',
      'project = { version = "1.0.0" }',
      '[project]',
      'version = "1.0.0"',
      '[project.urls]',
      'version = "1.0.0"',
      '',
    ].join('\n');
    const out = setStringValue(input, ['project', 'version'], '1.0.1');
    expect(out).toBe(replaceAfter(input, '[project]\n', '"1.0.0"', '"1.0.1"'));
    const doc = parse(out);
    expect(get(doc, ['project', 'urls', 'version'])).toBe('1.0.0');
    expect((get(doc, ['tool', 'y']) as unknown[]).map((t) => get(t, ['project', 'version']))).toEqual(['1.0.0', '1.0.0']);
  });

  it('reads a string, undefined when unset', () => {
    expect(getStringValue(UGLY, ['project', 'version'])).toBe('1.0.0');
    expect(getStringValue(UGLY, ['project', 'nope'])).toBeUndefined();
    expect(() => getStringValue(UGLY, ['project', 'dependencies'])).toThrow(/is an array/);
  });
});

describe('errors name the file and the key', () => {
  it('absent key', () => {
    expect(() => setStringValue(UGLY, ['project', 'license'], 'MIT', 'pkg-a/pyproject.toml')).toThrow(
      /pkg-a\/pyproject\.toml: key `project\.license` is not set/,
    );
  });
  it('wrong type', () => {
    const err = (() => {
      try {
        setStringValue(UGLY, ['project', 'dependencies'], 'x', 'pkg-a/pyproject.toml');
      } catch (e) {
        return e as TomlEditError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TomlEditError);
    expect(err!.message).toMatch(/pkg-a\/pyproject\.toml:10: key `project\.dependencies` is an array; expected a string/);
    expect(err!.file).toBe('pkg-a/pyproject.toml');
    expect(err!.key).toBe('project.dependencies');
    expect(() => setStringValue('a = 1', ['a'], 'x', 'f.toml')).toThrow(/f\.toml:1: key `a` is an integer/);
  });
  it('a table where a value was expected', () => {
    expect(() => setStringValue(UGLY, ['project', 'optional-dependencies'], 'x', 'p.toml')).toThrow(/p\.toml: key `project\.optional-dependencies` is a table/);
    expect(() => setStringValue(UGLY, ['tool'], 'x', 'p.toml')).toThrow(/key `tool` is a table/);
    expect(() => mapArrayStrings(UGLY, ['project', 'optional-dependencies', 'none'], () => 'x', 'p.toml')).toThrow(
      /p\.toml: key `project\.optional-dependencies\.none` is not set; expected an array/,
    );
  });
  it('invalid TOML, with the line', () => {
    expect(() => setStringValue('a = 1\nb = = 2\n', ['a'], 'x', 'bad.toml')).toThrow(/bad\.toml:2:\d+: invalid TOML/);
  });
  it('an array index out of range or a non-string element', () => {
    expect(() => replaceArrayString('a = [1, "x"]', ['a'], 5, 'y', 'f.toml')).toThrow(/f\.toml: array `a` has 2 element\(s\)/);
    expect(() => replaceArrayString('a = [1, "x"]', ['a'], 0, 'y', 'f.toml')).toThrow(/element 0 of `a` is not a string/);
    expect(() => replaceArrayString('a = ["x"]', ['a'], (v) => v === 'z', 'y', 'f.toml')).toThrow(/no string element of `a` matches/);
  });
});

describe.each([
  ['LF', UGLY],
  ['CRLF', CRLF],
])('array edits on the ugly layout (%s)', (_label, input) => {
  it('replaceArrayString by predicate keeps comments, trailing commas and layout', () => {
    const out = replaceArrayString(input, ['project', 'dependencies'], (v) => v.startsWith('pkg-b'), 'pkg-b==1.3.0', 'pkg-a/pyproject.toml');
    expect(out).toBe(replaceAfter(input, '# leading comment', '"pkg-b>=1.0"', '"pkg-b==1.3.0"'));
    const doc = parse(out);
    expect(get(doc, ['project', 'dependencies'])).toEqual(['pkg-b==1.3.0', 'pkg-c [x,y] >= 2 ; python_version >= "3.9"', 'requests']);
    expect(get(doc, ['tool', 'x', 'project', 'dependencies'])).toEqual(['pkg-b>=1.0']);
    expect(get(doc, ['dependency-groups', 'dev'])).toEqual(['pkg-b>=1.0']);
  });

  it('replaceArrayString by index under a quoted key', () => {
    const out = replaceArrayString(input, ['project', 'optional-dependencies', 'my.extra'], 0, 'pkg-b[z]==1.3.0');
    expect(out).toBe(replaceAfter(input, '"my.extra"', '"pkg-b[z]>=1"', '"pkg-b[z]==1.3.0"'));
    expect(get(parse(out), ['project', 'optional-dependencies', 'my.extra'])).toEqual(['pkg-b[z]==1.3.0']);
  });

  it('mapArrayStrings applies several replacements of different lengths in one pass', () => {
    const out = mapArrayStrings(input, ['project', 'dependencies'], (v) =>
      v.startsWith('pkg-b') ? 'pkg-b==10.20.30' : v.startsWith('pkg-c') ? 'pkg-c[x,y]==2; python_version >= "3.9"' : undefined,
    );
    let expected = replaceAfter(input, '# leading comment', '"pkg-b>=1.0"', '"pkg-b==10.20.30"');
    // The literal string holds a `"`, which a literal string can: the style is kept.
    expected = replaceAfter(expected, '# leading comment', '\'pkg-c [x,y] >= 2 ; python_version >= "3.9"\'', '\'pkg-c[x,y]==2; python_version >= "3.9"\'');
    expect(out).toBe(expected);
    expect(get(parse(out), ['project', 'dependencies'])).toEqual(['pkg-b==10.20.30', 'pkg-c[x,y]==2; python_version >= "3.9"', 'requests']);
  });

  it('mapArrayStrings over a one-line array with two quote styles', () => {
    const out = mapArrayStrings(input, ['project', 'optional-dependencies', 'cli'], (v) => (v === 'pkg-c' ? "pkg-c=='1'" : v));
    expect(out).toBe(replaceAfter(input, 'cli = [', "'pkg-c'", '"pkg-c==\'1\'"'));
    expect(get(parse(out), ['project', 'optional-dependencies', 'cli'])).toEqual(['click', "pkg-c=='1'"]);
  });

  it('mapArrayStrings with nothing to change returns the very same text', () => {
    expect(mapArrayStrings(input, ['project', 'dependencies'], () => undefined)).toBe(input);
  });
});
