/**
 * The nx-uv plugin options from nx.json as an executor sees them (for defaults of options a target
 * was configured without, e.g. a hand-written target): resolved and checked as the graph does.
 */
import type { ExecutorContext } from '@nx/devkit';
import { readResolvedPluginOptions, type ResolvedPluginOptions } from '../../plugin-entry';

/** The options of the first `nx-uv` entry in nx.json `plugins`, defaults applied (all defaults when it is not registered). */
export function nxUvPluginOptions(context: Pick<ExecutorContext, 'nxJsonConfiguration'>): ResolvedPluginOptions {
  return readResolvedPluginOptions(context.nxJsonConfiguration);
}
