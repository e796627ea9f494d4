/**
 * The nx-uv plugin options from nx.json as an executor sees them (for defaults of options a target
 * was configured without, e.g. a hand-written target): resolved and checked as the graph does.
 */
import type { ExecutorContext } from '@nx/devkit';
import { resolveReleaseLabel } from '../../forge/labels';
import { readResolvedPluginOptions, type ResolvedPluginOptions } from '../../plugin-entry';

export { PLUGIN_NAME } from '../../plugin-entry';

/** The options of the first `nx-uv` entry in nx.json `plugins`, defaults applied (all defaults when it is not registered). */
export function nxUvPluginOptions(context: Pick<ExecutorContext, 'nxJsonConfiguration'>): ResolvedPluginOptions {
  return readResolvedPluginOptions(context.nxJsonConfiguration);
}

/** The release label of a run: the executor option, else the plugin option, else `autorelease: pending`. */
export function releaseLabelOf(option: unknown, context: Pick<ExecutorContext, 'nxJsonConfiguration'>): string {
  return resolveReleaseLabel(option, nxUvPluginOptions(context).releaseLabel);
}
