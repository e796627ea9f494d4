// End-to-end suite: a fresh Nx workspace in a temporary folder installs the packed plugin
// (dist/packages/nx-uv, so `npm run build` first) and runs the real `nx` and `uv` against it.
// Run with `npm run test:e2e` (--runInBand: every spec file does one offline `npm install`;
// nx-versions.spec.ts does one from the registry per supported Nx major).
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'nx-uv-e2e',
  rootDir: __dirname,
  roots: ['<rootDir>/src'],
  // beforeAll installs nx + the plugin (a few seconds offline, more on a cold disk cache).
  testTimeout: 240000,
};
