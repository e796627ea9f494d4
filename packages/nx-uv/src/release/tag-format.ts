/**
 * The plugin option `tagFormat`, checked when the plugin loads: it must name a release (`{name}` and
 * `{version}` once each) and give tags git accepts (`git check-ref-format`), so no value can reach
 * `git tag` as an option or fail there with a raw error. Light on imports: the graph calls it.
 */
import { GitInputError, refNameProblem } from '../git/ref-names';
import { DEFAULT_TAG_FORMAT } from '../options';

export function assertTagFormat(format: string): void {
  const shown = `the plugin option tagFormat ${JSON.stringify(format)} (nx.json)`;
  if (typeof format !== 'string') throw new GitInputError(`nx-uv: ${shown} must be a string, e.g. "${DEFAULT_TAG_FORMAT}"`);
  const count = (p: string) => format.split(p).length - 1;
  if (count('{name}') !== 1 || count('{version}') !== 1) {
    throw new GitInputError(`nx-uv: ${shown} must contain {name} and {version} exactly once, e.g. "${DEFAULT_TAG_FORMAT}"`);
  }
  const sample = format.replace('{name}', 'my-package').replace('{version}', '1.2.0rc1');
  const problem = refNameProblem(sample);
  if (problem) {
    throw new GitInputError(`nx-uv: ${shown} gives tags git refuses (${JSON.stringify(sample)} for my-package 1.2.0rc1): ${problem}`);
  }
}

/** Throws when the option `umbrellaTag` cannot name a release or gives tags git refuses. */
export function assertUmbrellaTagFormat(format: unknown): asserts format is string {
  const shown = `the plugin option umbrellaTag ${JSON.stringify(format)} (nx.json)`;
  if (typeof format !== 'string') throw new GitInputError(`nx-uv: ${shown} must be a string such as "py/v{version}"`);
  if (format.split('{version}').length !== 2 || format.includes('{name}')) {
    throw new GitInputError(`nx-uv: ${shown} must contain {version} once and no {name}, e.g. "py/v{version}"`);
  }
  const sample = format.replace('{version}', '1.2.0rc1');
  const problem = refNameProblem(sample);
  if (problem) throw new GitInputError(`nx-uv: ${shown} gives tags git refuses (${JSON.stringify(sample)}): ${problem}`);
}

