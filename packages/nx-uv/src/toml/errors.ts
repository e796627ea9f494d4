/** Raised when a surgical TOML / Python edit cannot be made; names the file and the key. */
export class TomlEditError extends Error {
  constructor(
    message: string,
    /** The file being edited, as the caller named it (or `<text>` when none was given). */
    readonly file: string,
    /** The dotted key path, when the error is about a key. */
    readonly key?: string,
  ) {
    super(message);
    this.name = 'TomlEditError';
  }
}

/** `<text>` when the caller gave no file name. */
export function fileLabel(file: string | undefined): string {
  return file ?? '<text>';
}
