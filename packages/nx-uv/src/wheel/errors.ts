/** A distribution file (wheel, sdist) that cannot be read as one. */
export class DistributionFormatError extends Error {
  override readonly name = 'DistributionFormatError';
  constructor(
    /** The file at fault (as given by the caller). */
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
