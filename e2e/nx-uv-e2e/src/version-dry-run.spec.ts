/**
 * What `nx run-many -t version -- --dryRun` shows, with no other flag:
 * - on a terminal, Nx's default output (no NX_TUI, no --outputStyle, no CI): run under a
 *   pseudo-terminal (`script`), Nx starts its TUI, and what stays on the screen once it exits is a
 *   check mark per task, none of their lines (the dynamic output of NX_TUI=false keeps no more).
 *   So the dry run writes its report, the whole plan, to `.nx-uv/version-dry-run.txt`;
 * - in a CI log (CI=true, output piped), Nx 23.3+ collapses successful tasks to one line each, and
 *   the batch prints the report on its own output, which Nx shows in full.
 * Nothing else is written either way.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createNxWorkspace, isolatedEnv, nxJson, type NxWorkspace } from './harness';
import { memberRoots, packageMembers, uvWorkspaceFiles } from './fixtures/uv-workspace';

const REPORT = '.nx-uv/version-dry-run.txt';
const COMMAND = ['run-many', '-t', 'version', '--', '--dryRun'];

/** Variables by which Nx tells CI or an AI agent from a person at a terminal (both turn off its TUI). */
const NOT_A_TERMINAL_USER = /^(CI|GITHUB_ACTIONS|CLAUDECODE|CLAUDE_CODE|CODEX_THREAD_ID|SUPERSET_AGENT_ID|CURSOR_TRACE_ID|COMPOSER_NO_INTERACTION|GEMINI_CLI|REPL_ID|VSCODE_AGENT|OPENCODE|COPILOT_CLI)$/;

let ws: NxWorkspace;

beforeAll(() => {
  ws = createNxWorkspace({
    files: {
      ...uvWorkspaceFiles,
      // As after `nx g nx-uv:init`, and after a person answered Nx's analytics question once.
      '.gitignore': 'node_modules/\n.nx/\n.nx-uv/\ndist/\n.venv/\n',
      'nx.json': nxJson(['nx-uv']).replace(/\n}\n$/, ',\n  "analytics": false\n}\n'),
    },
    uvLock: true,
  });
  // A release of every package, then a feature in core-lib.
  for (const name of packageMembers) {
    const version = /^version = "([^"]+)"/m.exec(uvWorkspaceFiles[`${memberRoots[name]}/pyproject.toml`])![1];
    ws.git(['tag', '-a', '-m', `${name} ${version}`, `${name}-v${version}`]);
  }
  ws.writeFiles({ 'packages/core/src/core_lib/__init__.py': '"""core_lib."""\nFAST = True\n' });
  ws.git(['commit', '--quiet', '--no-verify', '-am', 'feat(core-lib): a fast path']);
});

afterAll(() => ws?.cleanup());

/** The report's plan says what a feature in core-lib releases. */
function expectPlanIn(report: string): void {
  expect(report).toMatch(/^nx-uv version \(dry run\) at [0-9a-f]{12}: what `version` would do\. Nothing was written\.\n/);
  expect(report).toMatch(/^core-lib +1\.2\.0 +1\.2\.0 +1\.3\.0 +minor +feat\(core-lib\): a fast path/m);
  expect(report).toMatch(/^util-helpers +0\.4\.1 +0\.4\.1 +0\.4\.2 +patch +dependency core-lib 1\.2\.0 → 1\.3\.0/m);
  expect(report).toMatch(/^ {2}scripts: no commits since 0\.1\.0$/m);
  expect(report.slice(report.indexOf('\nWould write:\n'))).toBe(
    [
      '',
      'Would write:',
      '  libs/data/schema/CHANGELOG.md',
      '  libs/data/schema/pyproject.toml',
      '  packages/api/CHANGELOG.md',
      '  packages/api/pyproject.toml',
      '  packages/core/CHANGELOG.md',
      '  packages/core/pyproject.toml',
      '  packages/plugins/pyproject.toml',
      '  packages/utils/CHANGELOG.md',
      '  packages/utils/pyproject.toml',
      '  uv.lock (one `uv lock` after the files above)',
      '',
    ].join('\n'),
  );
}

function expectNothingWritten(): void {
  expect(ws.git(['status', '--porcelain', '--untracked-files=all']).stdout).toBe('');
}

/** Removes terminal control sequences (CSI, OSC) and carriage returns: the text a person reads. */
function plainText(raw: string): string {
  return raw
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][0-9A-Za-z]/g, '')
    .replace(/\x1b[=>78]/g, '')
    .replace(/\r/g, '');
}

it('on a terminal (Nx’s default TUI): the screen keeps a check mark per task; the plan is in .nx-uv/version-dry-run.txt', () => {
  fs.rmSync(path.join(ws.root, REPORT), { force: true });
  const env = isolatedEnv({ NX_DAEMON: 'false', NX_NO_CLOUD: 'true', TERM: 'xterm-256color', SHELL: '/bin/sh' });
  for (const key of Object.keys(env)) if (NOT_A_TERMINAL_USER.test(key) || key === 'FORCE_COLOR' || key === 'NO_COLOR') delete env[key];
  const typescript = path.join(ws.root, '.nx', 'terminal.txt');
  fs.mkdirSync(path.dirname(typescript), { recursive: true });
  // `script` gives nx a pseudo-terminal of 120×40 (util-linux; Debian's bsdutils, always installed).
  const result = spawnSync('script', ['-q', '-e', '-c', `stty cols 120 rows 40; exec npx --no-install nx ${COMMAND.join(' ')}`, typescript], {
    cwd: ws.root,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const raw = fs.existsSync(typescript) ? fs.readFileSync(typescript, 'utf8') : '';
  if (result.error || result.status !== 0) {
    throw new Error(`nx on a pseudo-terminal failed (exit ${result.status}, ${result.error?.message ?? 'no error'}):\n${plainText(raw)}`);
  }
  // The TUI draws on the alternate screen; what the person sees afterwards is what follows its exit.
  const left = raw.lastIndexOf('\x1b[?1049l');
  if (left < 0) throw new Error(`Nx did not start its TUI on the pseudo-terminal, so this is not its default output:\n${plainText(raw)}`);
  const screen = plainText(raw.slice(left));
  for (const name of packageMembers) expect(screen).toMatch(new RegExp(`✔ +nx run ${name}:version\\b`));
  expect(screen).toMatch(/Successfully ran target version for 6 projects/);
  // None of the tasks' lines stays on the screen (Nx keeps only failures'): why the report is a file.
  expect(screen).not.toContain('nx-uv version (dry run)');

  expectPlanIn(ws.readFile(REPORT));
  expectNothingWritten();
});

it('in a CI log (CI=true, piped): the report is printed in full, though Nx collapses each successful task to one line', () => {
  fs.rmSync(path.join(ws.root, REPORT), { force: true });
  const { stdout } = ws.runNx(COMMAND);
  const report = ws.readFile(REPORT);
  expectPlanIn(report);
  expect(stdout).toContain(`${report}(also in ${REPORT})`);
  expect(stdout.match(/nx-uv version \(dry run\) at /g)).toHaveLength(1);
  // Each task's own lines are not in the log (Nx 23.3+ shows them with --verbose or --output-style=static).
  for (const name of packageMembers) expect(stdout).toMatch(new RegExp(`✔ +nx run ${name}:version\\b`));
  expect(stdout).not.toContain('nx-uv version (dry run): core-lib:');
  expectNothingWritten();
});
