/** Options of the `nx-uv:init` generator (see schema.json). */
export interface InitGeneratorSchema {
  /** Accepted for Nx compatibility; nothing is formatted. */
  skipFormat?: boolean;
  /** Accepted because `nx add` passes it; nothing is installed. */
  keepExistingVersions?: boolean;
}
