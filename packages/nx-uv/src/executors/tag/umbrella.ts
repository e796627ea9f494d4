/**
 * The umbrella part of `nx-uv:tag` on the uv root project (plugin option `umbrellaTag`): after every
 * package's tag target, one more annotated tag at HEAD and one GitHub Release listing the packages
 * released there. Planned by release/umbrella.ts; idempotent like the package tags.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { assertRemote } from '../../git';
import { applyUmbrellaTag, openTagEffects, readUmbrellaFacts } from '../../release/tag-apply';
import { planUmbrellaTag, renderUmbrellaTagPlan } from '../../release/umbrella';
import { findUvWorkspaceRoot, loadUvWorkspace } from '../../workspace';
import { nxProjectOf, nxUvPluginOptions, tagSchemeOf, type ExecutorLogger } from '../shared';

/** The umbrella format when the context's project is the uv root and the option is set. */
export function umbrellaFormatFor(context: ExecutorContext): { format: string; uvRoot: string } | undefined {
  const format = nxUvPluginOptions(context).umbrellaTag;
  if (!format) return undefined;
  const { absProjectRoot } = nxProjectOf(context);
  const uvRoot = findUvWorkspaceRoot(absProjectRoot);
  return uvRoot !== undefined && path.resolve(uvRoot) === path.resolve(absProjectRoot) ? { format, uvRoot } : undefined;
}

/** The umbrella tag of the run: facts read, planned (release/umbrella.ts), printed on a dry run, else made. */
export async function tagUmbrella(
  options: { dryRun?: boolean; remote?: string },
  context: ExecutorContext,
  format: string,
  uvRoot: string,
  log: ExecutorLogger = logger,
): Promise<void> {
  const remote = options.remote ?? 'origin';
  assertRemote(remote);
  const ws = loadUvWorkspace(uvRoot);
  const scheme = tagSchemeOf(context, ws);
  const plan = planUmbrellaTag(format, scheme, await readUmbrellaFacts(ws, scheme, context.root), remote);
  if (plan.kind === 'skip' || options.dryRun) {
    for (const line of renderUmbrellaTagPlan(plan)) log.info(line);
    return;
  }
  await applyUmbrellaTag(plan, await openTagEffects(plan.cwd, remote, log));
}
