/**
 * The one place secrets are taken out of text nx-uv prints (errors, logs, commands), used by the uv,
 * git and GitHub layers alike:
 * - URL userinfo (`scheme://user:password@host`, also in a URL that does not parse) and credential
 *   headers (`Authorization: Basic …`, git's `extraheader`) are always masked, whatever the secret;
 * - the value of every known secret is masked wherever it appears (with its URL-encoded and base64
 *   forms) once it is at least MIN_SECRET_LENGTH characters long. A shorter one (a test password of
 *   one letter) would mask every such letter of the output (`nx-uv` → `n***-uv`); it is only ever
 *   sent in the positions above, so it is masked there and the output stays readable.
 */

export const REDACTED = '***';
export const MIN_SECRET_LENGTH = 6;

/** `scheme://user:password@` and `scheme://token@` → `scheme://***@`. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, `$1${REDACTED}@`);
}

/**
 * The value of `Authorization:` headers (also written as JSON, `"authorization": "token …"`), git's
 * `http.extraheader` settings, `Bearer …`, and `…token: …` / `…token=…` assignments of 20 characters or more.
 */
export function redactAuthHeaders(text: string): string {
  return text
    .replace(/(\bauthorization["']?\s*[:=]\s*["']?(?:basic|bearer|token)\s+)[\w+/=.~-]+/gi, `$1${REDACTED}`)
    .replace(/(extraheader=\S*\s*(?:basic|bearer|token)\s+)[\w+/=.~-]+/gi, `$1${REDACTED}`)
    .replace(/(\bbearer\s+)[\w+/=.~-]{20,}/gi, `$1${REDACTED}`)
    .replace(/(\b[\w-]*token["']?\s*[:=]\s*["']?)(?!=)[\w+/=.~-]{20,}/gi, `$1${REDACTED}`); // not `some-token==1.0…`, a requirement
}

/**
 * GitHub tokens by their documented prefixes, whoever's they are: personal (`ghp_`), OAuth (`gho_`),
 * user-to-server (`ghu_`), server-to-server such as GITHUB_TOKEN (`ghs_`), refresh (`ghr_`) and
 * fine-grained (`github_pat_`).
 */
export function redactGitHubTokens(text: string): string {
  return text.replace(/\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED);
}

/** Every form of `secret` that is masked wherever it appears (none when it is short). */
function secretForms(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  for (const b64 of [Buffer.from(secret).toString('base64'), Buffer.from(`__token__:${secret}`).toString('base64')]) {
    forms.push(b64, b64.replace(/=+$/, '')); // padded first (longer), then unpadded for when it is embedded
  }
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

/** Masks credentials in URLs and headers, GitHub tokens, and every form of each secret long enough to be told from text. */
export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  const forms = new Set<string>();
  for (const s of secrets) if (s) for (const f of secretForms(s)) forms.add(f);
  let out = redactGitHubTokens(redactAuthHeaders(redactUrlCredentials(text)));
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join(REDACTED);
  return out;
}
