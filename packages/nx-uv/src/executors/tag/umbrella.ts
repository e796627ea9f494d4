/**
 * The umbrella part of `nx-uv:tag` on the uv root project (plugin option `umbrellaTag`): after every
 * package's tag target, one more annotated tag at HEAD and one GitHub Release listing the packages
 * released there. Planned by release/umbrella.ts; idempotent like the package tags.
 */
import { logger, type ExecutorContext } from '@nx/devkit';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { extractChangelogSection } from '../../changelog';
import { gitHubClientFromEnv } from '../../forge';
import { assertRemote, createAnnotatedTag, currentCommit, deleteLocalTag, listTags, pushTags, remoteAuthEnv, remoteTagCommit } from '../../git';
import { planUmbrella } from '../../release/umbrella';
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
  const cwd = context.root;
  const head = await currentCommit(cwd);
  const plan = planUmbrella(format, tagSchemeOf(context, ws), await listTags(cwd, undefined, { mergedInto: head }), head);
  if (!plan) {
    log.info(`nx-uv tag: no package release tag points at HEAD ${head.slice(0, 12)}: no umbrella tag (${format}) to make.`);
    return;
  }
  const parts = plan.releases.map((r) => {
    const m = ws.members.find((x) => x.name === r.member);
    const file = m ? path.join(ws.absRoot, m.root, 'CHANGELOG.md') : undefined;
    const section = file && fs.existsSync(file) ? extractChangelogSection(fs.readFileSync(file, 'utf8'), r.version) : undefined;
    return `## ${m?.distributionName ?? r.member} ${r.version}\n\nTag: ${r.tag}\n\n${section?.trim() ? section : 'Released.\n'}`;
  });
  const body = `${parts.join('\n').trimEnd()}\n`;
  const listed = plan.releases.map((r) => `${r.member} ${r.version}`).join(', ');
  if (options.dryRun) {
    log.info(
      `nx-uv tag (dry run): ${plan.existing ? `umbrella tag ${plan.tag} already at HEAD; would ensure` : `would create the umbrella tag ${plan.tag} at ${head.slice(0, 12)}, push it to ${remote}, and create`} its GitHub Release (${listed}).`,
    );
    return;
  }
  const client = await gitHubClientFromEnv({
    cwd,
    remote,
    log: { debug: () => undefined, info: () => undefined, warn: (m) => log.warn(m), error: (m) => log.error(m) },
  });
  const auth = { env: await remoteAuthEnv(cwd, remote) };
  const onRemote = await remoteTagCommit(cwd, remote, plan.tag, auth);
  if (onRemote !== undefined && onRemote !== head) {
    throw new Error(
      `${remote} already has the umbrella tag ${plan.tag} on commit ${onRemote.slice(0, 12)}, not on HEAD ${head.slice(0, 12)}: ` +
        `fetch the tags (git fetch --tags ${remote}) and run again, so that the next umbrella version is counted from it.`,
    );
  }
  if (!plan.existing) await createAnnotatedTag(cwd, plan.tag, `${plan.tag}: ${listed}\n`, head);
  try {
    await pushTags(cwd, remote, [plan.tag], auth);
  } catch (error) {
    if (!plan.existing) await deleteLocalTag(cwd, plan.tag).catch(() => undefined);
    throw error;
  }
  log.info(`nx-uv tag: ${plan.existing ? 'umbrella tag already at HEAD' : 'created and pushed the umbrella tag'} ${plan.tag} (${listed})`);
  const release = await client.createRelease({ tag: plan.tag, name: plan.tag, body, prerelease: plan.prerelease, targetCommitish: head });
  log.info(
    `nx-uv tag: ${release.action === 'created' ? 'created' : release.action === 'updated' ? 'updated' : 'already up to date:'} GitHub Release ${plan.tag} ${release.url}`,
  );
}
