// Lint habits checked by CI (.ci/run, `npm run lint`): typescript-eslint's
// recommended rules, no import cycles (a lazy import counts: a command module
// must not import from the module that lazily imports it), and the house's
// zones (eslint-zones.js): no import from src/core into the commands, none
// from the frame path into its drivers, ground never reaching up.
// Layout is prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';
import { ZONES } from './eslint-zones.js';

const NODE_GLOBALS = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'performance',
    'fetch',
    'AbortController',
    'structuredClone',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
  ].map((name) => [name, 'readonly']),
);

export default tseslint.config(
  // vitest writes a short-lived vitest.config.ts.timestamp-*.mjs while it runs.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/out/**', '**/*.timestamp-*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,js,mjs}'],
    languageOptions: { globals: NODE_GLOBALS },
    plugins: { 'import-x': importX },
    settings: {
      // import-x builds its module graph only from files it knows how to parse.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // The sources import './x.js' and mean './x.ts' (NodeNext): map it back.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.mjs', '.json', '.node'],
          extensionAlias: { '.js': ['.ts', '.js'] },
        }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: ZONES }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Unit files, device names, patterns and ANSI stripping reject or match
      // control characters on purpose.
      'no-control-regex': 'off',
      // Tests match fixed-width output lines; literal spaces read like the output.
      'no-regex-spaces': 'off',
    },
  },
  {
    // Tests read the JSON documents the binary prints.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The launcher's CommonJS half (bin/load-bundle.cjs): require() is the point of it.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { ...NODE_GLOBALS, require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
