/**
 * Core metadata (`METADATA` of a wheel, `PKG-INFO` of an sdist): RFC 822 style headers up to the first
 * empty line, then the description body. Field names are case-insensitive; folded lines (starting with
 * a space or tab) continue the previous field.
 */
export interface CoreMetadata {
  /** Every header in order, names as written, folded values joined with `\n`. */
  headers: [string, string][];
  /** The body after the headers ('' when none). */
  body: string;
}

export function parseCoreMetadata(text: string): CoreMetadata {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headers: [string, string][] = [];
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') {
      i++;
      break;
    }
    if ((line[0] === ' ' || line[0] === '\t') && headers.length > 0) {
      headers[headers.length - 1][1] += '\n' + line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header line; core metadata readers ignore it too
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return { headers, body: lines.slice(i).join('\n') };
}

/** All values of a field (case-insensitive name). */
export function metadataValues(metadata: CoreMetadata, field: string): string[] {
  const wanted = field.toLowerCase();
  return metadata.headers.filter(([name]) => name.toLowerCase() === wanted).map(([, value]) => value);
}

/** The first value of a field, or undefined. */
export function metadataValue(metadata: CoreMetadata, field: string): string | undefined {
  return metadataValues(metadata, field)[0];
}
