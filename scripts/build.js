#!/usr/bin/env node
// Builds the installable plugin into dist/packages/nx-uv:
// compiled JS + declarations, package.json, executors.json, generators.json, every schema.json and
// template file that executors and generators need at run time, and the README.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'packages/nx-uv');
const out = path.join(root, 'dist/packages/nx-uv');

fs.rmSync(out, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(src, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});

for (const file of ['package.json', 'executors.json', 'generators.json', 'README.md']) {
  const from = fs.existsSync(path.join(src, file)) ? path.join(src, file) : path.join(root, file);
  if (fs.existsSync(from)) fs.copyFileSync(from, path.join(out, file));
}

// Non-TypeScript assets under src/ (schema.json, generator templates) are copied as they are.
function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '__fixtures__' || entry.name === '__snapshots__' || entry.name === 'testing') continue;
      copyAssets(full);
    } else if (!entry.name.endsWith('.ts')) {
      const dest = path.join(out, path.relative(src, full));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(full, dest);
    }
  }
}
copyAssets(path.join(src, 'src'));
console.log(`built ${path.relative(root, out)}`);
