/**
 * The nx-uv plugin options from nx.json as an executor sees them (for defaults of options a target
 * was configured without, e.g. a hand-written target).
 */
import type { ExecutorContext } from '@nx/devkit';
import type { NxUvPluginOptions } from '../../options';
import { resolveReleaseLabel } from '../../forge/labels';
import { readPluginOptions } from '../../plugin-entry';

export { PLUGIN_NAME } from '../../plugin-entry';

/** The options of the first `nx-uv` entry in nx.json `plugins` ({} when it has none or is not registered). */
export function nxUvPluginOptions(context: Pick<ExecutorContext, 'nxJsonConfiguration'>): NxUvPluginOptions {
  return readPluginOptions(context.nxJsonConfiguration);
}

/** The release label of a run: the executor option, else the plugin option, else `autorelease: pending`. */
export function releaseLabelOf(option: unknown, context: Pick<ExecutorContext, 'nxJsonConfiguration'>): string {
  return resolveReleaseLabel(option, nxUvPluginOptions(context).releaseLabel);
}
