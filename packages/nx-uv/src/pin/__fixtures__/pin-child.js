'use strict';
// Child process for the SIGKILL tests: runs the pin journal compiled from src/ (by the test, with
// TypeScript's transpileModule) and is killed at a step announced by NX_UV_TEST_PIN_PAUSE.
// Usage: node pin-child.js <compiled dir> <spec JSON: { action, absRoot, journalDir, plans }>
const path = require('node:path');

const [compiledDir, specJson] = process.argv.slice(2);
const pin = require(path.join(compiledDir, 'pin'));
const spec = JSON.parse(specJson);

if (spec.action === 'restore') {
  pin.restorePins(spec.journalDir);
  process.stderr.write('restored\n');
} else {
  const changes = pin.pinChanges(spec.absRoot, spec.plans);
  pin
    .withPins(spec.journalDir, changes, () => {
      process.stderr.write('nx-uv-test-pin-paused fn\n');
      // "uv build" that never ends: only SIGKILL stops it.
      return new Promise(() => setInterval(() => undefined, 1000));
    })
    .catch((err) => {
      process.stderr.write(`child failed: ${err && err.stack}\n`);
      process.exit(1);
    });
}
