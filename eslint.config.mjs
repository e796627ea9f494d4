// Lint of the plugin, the e2e suite, the scripts and the benchmarks. Few rules, each one the project
// means to keep: the core never reaches into the executors (plan/apply below, thin executors above),
// no unused code, no floating promises in effects.
import tseslint from 'typescript-eslint';

/** The core: everything under src/ but the executors, generators, tests' rigs and the entry. */
const CORE = ['workspace', 'versioning', 'changelog', 'toml', 'graph', 'release', 'pin', 'git', 'forge', 'registry', 'uv', 'wheel', 'hooks', 'nx-release'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'coverage/**', '.tools/**', '.nx/**', 'bench/.deps/**', '**/*.snap'] },
  {
    files: ['packages/**/*.ts', 'e2e/**/*.ts'],
    extends: [tseslint.configs.base],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true, argsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-debugger': 'error',
      'no-var': 'error',
      'prefer-const': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The core folders, and the one-file helpers at the top of src/ (file-lock, redact, posix-path…).
    files: [...CORE.map((dir) => `packages/nx-uv/src/${dir}/**/*.ts`), 'packages/nx-uv/src/*.ts'],
    ignores: ['**/*.spec.ts', '**/__fixtures__/**', 'packages/nx-uv/src/index.ts', 'packages/nx-uv/src/plugin-entry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/executors/**', './executors', '../executors', '../../executors'],
              message: 'The core never imports from executors/: move the shared piece below them.',
            },
            { group: ['**/generators/**', './generators', '../generators', '../../generators'], message: 'The core never imports from generators/.' },
          ],
        },
      ],
    },
  },
);
