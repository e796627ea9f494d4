/**
 * The `gh` the e2e workflow runner puts on PATH: the GitHub CLI is not installed here, and the real
 * one talks to github.com (GH_HOST), not to the fake GitHub. This stand-in does the two commands the
 * generated workflow runs, through the same REST calls gh makes, against `GITHUB_API_URL` (the fake,
 * which checks every request against GitHub's OpenAPI description):
 * - `gh release view [--] <tag>`: `GET /repos/{repo}/releases/tags/{tag}`; exit 1 and "release not
 *   found" when there is none.
 * - `gh release upload [--clobber] [--] <tag> <file>...`: the release by tag; with `--clobber` an asset
 *   of the same name is deleted first (without it, gh refuses); then each file's bytes are POSTed to
 *   the release's `upload_url` (`?name=<basename>&label=`, Content-Type from the extension as Go's
 *   mime package knows it, else application/octet-stream).
 * The repository is `GH_REPO` (gh would also read the git remote; the workflow sets GH_REPO) and the
 * token `GH_TOKEN` or `GITHUB_TOKEN`. Anything else exits 2, so a workflow that starts to use more of
 * gh fails the e2e. Each call is appended to `$NX_UV_E2E_GH_LOG` (arguments only, never the token).
 */

/** The stand-in's source, a Node.js script (CommonJS, no dependencies). */
export const GH_STAND_IN_SOURCE = String.raw`
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const argv = process.argv.slice(2);
if (process.env.NX_UV_E2E_GH_LOG) fs.appendFileSync(process.env.NX_UV_E2E_GH_LOG, JSON.stringify(argv) + '\n');

function fail(code, message) {
  process.stderr.write(message + '\n');
  process.exit(code);
}

const token = process.env.GH_TOKEN || process.env.GITHUB_TOKEN;
const repo = process.env.GH_REPO;
const api = (process.env.GITHUB_API_URL || '').replace(/\/+$/, '');

async function request(method, url, options = {}) {
  const response = await fetch(url, {
    method,
    headers: { authorization: 'token ' + token, accept: 'application/vnd.github+json', ...(options.headers || {}) },
    body: options.body,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined, text };
}

async function releaseByTag(tag) {
  const found = await request('GET', api + '/repos/' + repo + '/releases/tags/' + encodeURIComponent(tag));
  if (found.status === 404) fail(1, 'release not found');
  if (found.status !== 200) fail(1, 'HTTP ' + found.status + ': ' + found.text);
  return found.json;
}

const MIME = { '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.gz': 'application/gzip', '.zip': 'application/zip' };

async function main() {
  if (!token) fail(4, 'gh stand-in: no GH_TOKEN or GITHUB_TOKEN');
  if (!repo || !/^[^/]+\/[^/]+$/.test(repo)) fail(2, 'gh stand-in: GH_REPO must name the repository (owner/name)');
  if (!api) fail(2, 'gh stand-in: no GITHUB_API_URL');
  const [group, command, ...rest] = argv;
  const flags = new Set();
  const positional = [];
  let afterDashes = false;
  for (const arg of rest) {
    if (!afterDashes && arg === '--') afterDashes = true;
    else if (!afterDashes && arg.startsWith('-')) flags.add(arg);
    else positional.push(arg);
  }
  if (group === 'release' && command === 'view' && flags.size === 0 && positional.length === 1) {
    const release = await releaseByTag(positional[0]);
    process.stdout.write('title:\t' + (release.name || '') + '\ntag:\t' + release.tag_name + '\nurl:\t' + release.html_url + '\n');
    return;
  }
  if (group === 'release' && command === 'upload' && [...flags].every((f) => f === '--clobber') && positional.length >= 2) {
    const [tag, ...files] = positional;
    const release = await releaseByTag(tag);
    const existing = new Map(release.assets.map((a) => [a.name, a]));
    const names = files.map((f) => path.basename(f));
    const taken = names.filter((n) => existing.has(n));
    if (taken.length > 0 && !flags.has('--clobber')) fail(1, 'asset under the same name already exists: [' + taken.join(', ') + ']');
    const uploadUrl = release.upload_url.replace(/\{.*\}$/, '');
    for (const [i, file] of files.entries()) {
      const name = names[i];
      const old = existing.get(name);
      if (old) {
        const deleted = await request('DELETE', old.url);
        if (deleted.status !== 204) fail(1, 'HTTP ' + deleted.status + ' deleting ' + name + ': ' + deleted.text);
      }
      const url = uploadUrl + '?name=' + encodeURIComponent(name) + '&label=';
      const type = MIME[path.extname(name)] || 'application/octet-stream';
      const uploaded = await request('POST', url, { headers: { 'content-type': type }, body: fs.readFileSync(file) });
      if (uploaded.status !== 201) fail(1, 'HTTP ' + uploaded.status + ' uploading ' + name + ': ' + uploaded.text);
    }
    return;
  }
  fail(2, 'gh stand-in: the e2e runner does not implement gh ' + argv.join(' '));
}

main().catch((error) => fail(1, String(error && error.stack ? error.stack : error)));
`;
