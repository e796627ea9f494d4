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
