/** Labels nx-uv puts on its release pull request (the release-please convention). */

export const RELEASE_LABEL_PENDING = 'autorelease: pending';
export const RELEASE_LABEL_TAGGED = 'autorelease: tagged';

export interface LabelStyle {
  color: string;
  description: string;
}

/** Colour and description used when nx-uv creates one of its labels. */
export const RELEASE_LABEL_STYLES: Record<string, LabelStyle> = {
  [RELEASE_LABEL_PENDING]: { color: 'ededed', description: 'nx-uv release PR: merged, not yet tagged' },
  [RELEASE_LABEL_TAGGED]: { color: '0e8a16', description: 'nx-uv release PR: tagged and released' },
};

/** The release label of a run: the option, else the plugin option, else `autorelease: pending`. Throws on a blank or non-string one. */
export function resolveReleaseLabel(option: unknown, pluginOption: unknown): string {
  const value = option ?? pluginOption ?? RELEASE_LABEL_PENDING;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`nx-uv: the release label must be a non-empty string (--releaseLabel, or releaseLabel in nx.json), got ${JSON.stringify(value)}`);
  }
  return value.trim();
}
