'use strict';
// Child process for the SIGKILL tests: runs the pin journal compiled from src/ (by the test, with
// TypeScript's transpileModule), pauses at the step named in the spec (the journal's onStep listener)
// after announcing it on stderr, and is killed there.
// Usage: node pin-child.js <compiled dir> <spec JSON: { action, absRoot, journalDir, plans, pauseAt }>
const fs = require('node:fs');
const path = require('node:path');

const [compiledDir, specJson] = process.argv.slice(2);
const pin = require(path.join(compiledDir, 'pin', 'pin-journal'));
const spec = JSON.parse(specJson);

/** Announces the step and sleeps there (synchronously, as the journal's steps are) until killed. */
function onStep(step) {
  if (step !== spec.pauseAt) return;
  fs.writeSync(2, `nx-uv-test-pin-paused ${step}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
}

if (spec.action === 'restore') {
  pin.restorePins(spec.journalDir, { onStep });
  process.stderr.write('restored\n');
} else {
  const changes = pin.pinChanges(spec.absRoot, spec.plans);
  pin
    .withPins(
      spec.journalDir,
      changes,
      () => {
        process.stderr.write('nx-uv-test-pin-paused fn\n');
        // "uv build" that never ends: only SIGKILL stops it.
        return new Promise(() => setInterval(() => undefined, 1000));
      },
      { onStep },
    )
    .catch((err) => {
      process.stderr.write(`child failed: ${err && err.stack}\n`);
      process.exit(1);
    });
}
