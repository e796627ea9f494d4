/** One word for a POSIX shell: bare when it holds only safe characters, else single-quoted. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(value) ? value : `'${value.split("'").join(`'\\''`)}'`;
}
