import type { PlannedPackage } from '../../versioning';

/** A planned minor release of `name` from 1.0.0 to `next`, with one feat commit as its reason. */
export function pkg(name: string, next: string, extra: Partial<PlannedPackage> = {}): PlannedPackage {
  return {
    name,
    current: '1.0.0',
    next,
    lastRelease: '1.0.0',
    bump: 'minor',
    action: 'release',
    prerelease: false,
    reasons: [`feat(${name}): x (abc1234)`],
    commits: [],
    dependencyUpdates: [],
    ...extra,
  };
}
