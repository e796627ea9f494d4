/**
 * Issue 12, part 3: files read the way uv reads them — a UTF-8 BOM is accepted and kept byte for
 * byte by edits, bytes that are not UTF-8 are refused naming the file, a name that is not a string
 * is said to be one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setStringValue, mapArrayStrings } from '../toml';
import { makeTempDir, writeTree } from '../testing/tools';
import { loadUvWorkspace } from './model';
import { memoryReader } from './reader';
import { modelUvWorkspace } from './model';

const ROOT = '[tool.uv.workspace]\nmembers = ["packages/*"]\n';

describe('files as uv reads them', () => {
  const tmp = makeTempDir('nx-uv-file-rules-');
  afterAll(() => tmp.cleanup());

  it('a UTF-8 BOM: modelled, and edits keep it (and every other byte) as it was', () => {
    const text = '\uFEFF[project]\nname = "a"\nversion = "1.0.0"  # ✓\ndependencies = ["b>=1"]\n';
    const ws = modelUvWorkspace('/ws', memoryReader({ 'pyproject.toml': ROOT, 'packages/a/pyproject.toml': text }));
    expect(ws.members.map((m) => m.name)).toEqual(['a']);
    const edited = mapArrayStrings(setStringValue(text, ['project', 'version'], '1.1.0'), ['project', 'dependencies'], () => 'b>=1.1');
    expect(edited).toBe('\uFEFF[project]\nname = "a"\nversion = "1.1.0"  # ✓\ndependencies = ["b>=1.1"]\n');
    expect(Buffer.from(edited, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('bytes that are not UTF-8: refused, naming the file and the byte (uv refuses it too)', () => {
    const root = path.join(tmp.dir, 'latin1');
    writeTree(root, { 'pyproject.toml': ROOT, 'packages/a/pyproject.toml': '' });
    fs.writeFileSync(
      path.join(root, 'packages/a/pyproject.toml'),
      Buffer.concat([Buffer.from('[project]\nname = "a"\nversion = "1.0.0"\ndescription = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]),
    );
    expect(() => loadUvWorkspace(root)).toThrow(
      'packages/a/pyproject.toml:4 is not valid UTF-8: uv reads pyproject.toml files as UTF-8 and refuses this one. Re-save the file as UTF-8.',
    );
  });

  it('a real U+FFFD character in a UTF-8 file is just text', () => {
    const root = path.join(tmp.dir, 'fffd');
    writeTree(root, { 'pyproject.toml': ROOT, 'packages/a/pyproject.toml': '[project]\nname = "a"\nversion = "1.0.0"\ndescription = "\uFFFD"\n' });
    expect(loadUvWorkspace(root).members.map((m) => m.name)).toEqual(['a']);
  });

  it.each([
    ['name = 42', 'must be a string (got the number 42)'],
    ['name = ["a"]', 'must be a string (got an array)'],
  ])('%s: says the name must be a string, as uv does', (line, message) => {
    const reader = memoryReader({ 'pyproject.toml': ROOT, 'packages/a/pyproject.toml': `[project]\n${line}\nversion = "1.0.0"\n` });
    expect(() => modelUvWorkspace('/ws', reader)).toThrow(`[project].name in packages/a/pyproject.toml ${message}`);
  });
});
