/**
 * Performance: the graph plugin models 1,000-member workspaces on every project-graph computation,
 * so `loadUvWorkspace` must stay within 1.5x of the floor — reading and smol-toml-parsing every
 * pyproject.toml (with the same fast read call), nothing else. Measured as the best of several
 * blocks of runs, so that a busy machine slows both sides rather than failing the test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'smol-toml';
import { makeTempDir } from '../testing/tools';
import { loadUvWorkspace } from './model';

const MEMBERS = 1000;

function generate(root: string): string[] {
  const sources = Array.from({ length: MEMBERS }, (_, i) => `pkg-${i} = { workspace = true }`).join('\n');
  fs.writeFileSync(
    path.join(root, 'pyproject.toml'),
    `[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skip*"]\n\n[tool.uv.sources]\n${sources}\n\n[dependency-groups]\ndev = ["pytest>=8", "ruff"]\n`,
  );
  const files = ['pyproject.toml'];
  for (let i = 0; i < MEMBERS; i++) {
    const dir = path.join(root, 'packages', `pkg-${i}`);
    fs.mkdirSync(path.join(dir, 'src', `pkg_${i}`), { recursive: true });
    const deps = [1, 2, 3].filter((k) => i - k * 7 >= 0).map((k) => `"pkg-${i - k * 7}>=0.1"`);
    deps.push('"requests>=2.31,<3"', `"pydantic[email]>=2 ; python_version >= '3.9'"`, '"typing-extensions"');
    fs.writeFileSync(
      path.join(dir, 'pyproject.toml'),
      `[project]
name = "pkg-${i}"
version = "0.${i}.0"
description = "Package number ${i} of the benchmark workspace"
readme = "README.md"
requires-python = ">=3.10"
license = { text = "MIT" }
authors = [{ name = "Bench", email = "bench@example.com" }]
classifiers = [
  "Programming Language :: Python :: 3",
  "License :: OSI Approved :: MIT License",
]
dependencies = [
  ${deps.join(',\n  ')},  # a comment
]

[project.optional-dependencies]
cli = ["click>=8", "rich"]

[dependency-groups]
test = ["pytest>=8", "pytest-cov", { include-group = "lint" }]
lint = ["ruff>=0.5"]

[project.urls]
Homepage = "https://example.com/pkg-${i}"

[build-system]
requires = ["uv_build>=0.13,<0.14"]
build-backend = "uv_build"

[tool.ruff]
line-length = 100
`,
    );
    fs.writeFileSync(path.join(dir, 'src', `pkg_${i}`, '__init__.py'), '');
    files.push(`packages/pkg-${i}/pyproject.toml`);
  }
  return files;
}

/** Best time (ms) of `blocks` blocks of `runs` runs each. */
function best(fn: () => void, blocks: number, runs: number): number {
  let min = Infinity;
  for (let b = 0; b < blocks; b++) {
    for (let r = 0; r < runs; r++) {
      const started = process.hrtime.bigint();
      fn();
      min = Math.min(min, Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return min;
}

describe('loadUvWorkspace performance (1,000 members)', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let files: string[];
  beforeAll(() => {
    tmp = makeTempDir('nx-uv-perf-');
    files = generate(tmp.dir);
  });
  afterAll(() => tmp.cleanup());

  it('models every member and edge', () => {
    const ws = loadUvWorkspace(tmp.dir);
    expect(ws.members).toHaveLength(MEMBERS);
    expect(ws.members.reduce((n, m) => n + m.dependencies.length, 0)).toBe(2958);
  });

  it('stays within 1.5x of reading and parsing every pyproject.toml', () => {
    const encoding = { encoding: 'utf8' } as const;
    const floor = (): void => {
      for (const file of files) parse(fs.readFileSync(path.join(tmp.dir, file), encoding));
    };
    const model = (): void => {
      loadUvWorkspace(tmp.dir);
    };
    // warm up both (JIT), then alternate blocks so both see the same machine load
    best(floor, 1, 5);
    best(model, 1, 5);
    let floorMs = Infinity;
    let modelMs = Infinity;
    for (let round = 0; round < 4; round++) {
      floorMs = Math.min(floorMs, best(floor, 1, 6));
      modelMs = Math.min(modelMs, best(model, 1, 6));
    }
    const ratio = modelMs / floorMs;
    // (visible in the test output when run with --verbose)
    console.log(`loadUvWorkspace: ${modelMs.toFixed(1)} ms; read+parse floor: ${floorMs.toFixed(1)} ms; ratio ${ratio.toFixed(2)}`);
    expect(ratio).toBeLessThan(1.5);
  });
});
