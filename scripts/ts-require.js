// A tiny require hook so plain-JS scripts can load nx-uv's TypeScript test helpers (the local GitHub
// fake) without a build: every `.ts` file under `root` is transpiled on load with
// `typescript.transpileModule` (no type check), CommonJS, the repository's compiler options.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/**
 * Installs the hook for `.ts` files under `root` (absolute). Idempotent. It replaces any `.ts` loader
 * Node itself has (type stripping alone cannot load these files: default imports need esModuleInterop).
 */
function registerTypeScript(root) {
  if (require.extensions['.ts'] && require.extensions['.ts'].nxUv) return;
  const ts = require('typescript');
  const prefix = path.resolve(root) + path.sep;
  const hook = (module, filename) => {
    if (!filename.startsWith(prefix)) throw new Error(`ts-require: ${filename} is outside ${root}`);
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        resolveJsonModule: true,
        inlineSourceMap: true,
      },
    });
    module._compile(outputText, filename);
  };
  hook.nxUv = true;
  require.extensions['.ts'] = hook;
}

module.exports = { registerTypeScript };
