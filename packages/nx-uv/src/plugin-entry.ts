/** The nx-uv entry of nx.json `plugins` and its options: the one reader generators and executors share. */
import type { NxJsonConfiguration } from '@nx/devkit';
import type { NxUvPluginOptions } from './options';

/** The package name under which users register the plugin in nx.json `plugins`. */
export const PLUGIN_NAME = 'nx-uv';

type PluginEntry = NonNullable<NxJsonConfiguration['plugins']>[number];

function entryName(entry: PluginEntry): string | undefined {
  if (typeof entry === 'string') return entry;
  if (entry && typeof entry === 'object' && typeof entry.plugin === 'string') return entry.plugin;
  return undefined;
}

/** Index of the first nx-uv entry in nx.json `plugins` (as a string or as `{ plugin }`), or -1. */
export function findPluginIndex(nxJson: NxJsonConfiguration | null | undefined): number {
  const plugins = nxJson?.plugins ?? [];
  return plugins.findIndex((entry) => entryName(entry) === PLUGIN_NAME);
}

/** The options of the first nx-uv entry in nx.json (`{}` when it is registered as a bare string or absent). */
export function readPluginOptions(nxJson: NxJsonConfiguration | null | undefined): NxUvPluginOptions {
  const index = findPluginIndex(nxJson);
  if (index < 0) return {};
  const entry = nxJson!.plugins![index];
  if (typeof entry === 'string') return {};
  const options = (entry as { options?: unknown }).options;
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(
      `nx.json: plugins[${index}] (${PLUGIN_NAME}) has "options" that is not an object; ` +
        'set it to an object such as { "tagFormat": "{name}-v{version}" } or remove it.',
    );
  }
  return options as NxUvPluginOptions;
}
