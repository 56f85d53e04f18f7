// ESLint 9 flat config: typescript-eslint's strict type-checked rules over the TypeScript of
// src/, test/, bench/, scripts/ and dashboard/, and the import boundaries of docs/architecture.md.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/*
 * Import boundaries: docs/architecture.md's table, "may import" column. One row per folder of src/
 * (a nested folder is a row of its own and is held to its own row and its parent's). A row lists
 * folders or files of src/; what those may import may be imported too, so an import may skip a
 * layer but never go back up. `types` may be imported as types only. `cli` may import anything,
 * and so may test/, bench/ and scripts/ (no row). Adding a folder to src/ is one row here:
 * a folder without a row stops the lint (see `unlisted` below).
 */
const boundaries = {
  image: { may: [] },
  math: { may: [] },
  models: { may: ['image', 'math'] },
  'model-build': { may: ['models', 'image', 'math'] },
  'model-build/tflite': { may: ['models/onnx-format.ts', 'model-build/errors.ts'] },
  face: { may: ['image', 'math', 'models'] },
  'face/mediapipe': { may: ['image', 'face/errors.ts'] },
  expression: { may: ['face', 'models', 'image', 'math'] },
  'expression-lab': { may: ['expression', 'face', 'models', 'model-build', 'image', 'math', 'online-cluster'] },
  'online-cluster': { may: ['math'] },
  ingest: { may: ['image'] },
  render: { may: ['image'] },
  events: { may: [] },
  operators: { may: ['image', 'math', 'models', 'face', 'expression', 'online-cluster', 'ingest', 'render', 'events'] },
  runtime: { may: ['operators', 'ingest', 'events', 'render', 'image', 'math', 'models', 'face', 'expression', 'online-cluster'] },
  store: { may: [], types: ['events', 'online-cluster', 'expression'] },
  server: { may: ['runtime', 'operators', 'store', 'events', 'fleet'] },
  fleet: { may: ['runtime', 'events', 'expression'] },
  cli: 'anything',
};

// The "Never" line: the pure cores stay free of streams, sockets, SQLite and GStreamer.
const cores = ['image', 'math', 'face', 'expression', 'online-cluster'];
const ioPackages = ['rxjs', 'ws', 'better-sqlite3', 'gstreamer-superficial'];

// The dashboard is bundled apart and talks to the server over HTTP: of src/ it sees, as types
// only, the shapes of the public API and of the events it is sent.
const dashboardMay = ['server/api-types.ts', 'events/events.ts'];

const unlisted = readdirSync(new URL('src/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !(entry.name in boundaries))
  .map((entry) => entry.name);
if (unlisted.length > 0) {
  throw new Error(`eslint.config.js: src/${unlisted.join(', src/')} has no row in \`boundaries\``);
}

/** A row's folders and files, and all that those may import in turn. */
function reachable(folder) {
  const seen = new Set();
  const visit = (entries) => {
    for (const entry of entries) {
      if (seen.has(entry)) continue;
      seen.add(entry);
      const row = boundaries[entry];
      if (row !== undefined && row !== 'anything') visit([...row.may, ...(row.types ?? [])]);
    }
  };
  const row = boundaries[folder];
  visit([...row.may, ...(row.types ?? [])]);
  return [...seen];
}

const folderZones = Object.keys(boundaries).filter((folder) => boundaries[folder] !== 'anything').map((folder) => ({
  target: `./src/${folder}`,
  from: './src',
  except: [`./${folder}`, ...reachable(folder).map((entry) => `./${entry}`)],
  message: `src/${folder} may import only what docs/architecture.md's table allows (eslint.config.js \`boundaries\`).`,
}));

const packageZones = cores.map((core) => ({
  target: `./src/${core}`,
  from: ioPackages.map((name) => `./node_modules/${name}`),
  message: 'A pure core imports no RxJS, sockets, SQLite or GStreamer (docs/architecture.md).',
}));

const dashboardZone = {
  target: './dashboard',
  from: './src',
  except: dashboardMay.map((file) => `./${file}`),
  message: 'The dashboard sees the public API only: src/server/api-types.ts and src/events/events.ts.',
};

/** A regex for import specifiers naming one of these folders of src/, to allow them as types only. */
const specifierOf = (folders) => `(^|/)(${folders.join('|')})(/|$)`;

const typeOnlyConfigs = [
  ...Object.entries(boundaries)
    .filter(([, row]) => row !== 'anything' && row.types !== undefined)
    .map(([folder, row]) => ({
      files: [`src/${folder}/**/*.ts`],
      rules: {
        '@typescript-eslint/no-restricted-imports': ['error', {
          patterns: [{
            regex: specifierOf(row.types),
            allowTypeImports: true,
            message: `src/${folder} may import src/${row.types.join(', src/')} as types only (docs/architecture.md).`,
          }],
        }],
      },
    })),
  {
    files: ['dashboard/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          // The only files of src/ the zone above lets the dashboard reach (its own src/ is not these).
          regex: '(^|/)src/(server/api-types|events/events)\\.js$',
          allowTypeImports: true,
          message: 'The dashboard bundles nothing from src/: import its types only.',
        }],
      }],
    },
  },
];

export default defineConfig(
  {
    ignores: ['dist/', 'dashboard/dist/', 'models/', 'bin/', 'deploy/', '.cache/', '.scratch/', 'test-output/', '**/*.js', 'dashboard/vite.config.ts', 'vitest.config.ts'],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/*.ts', 'dashboard/src/**/*.ts', 'dashboard/test/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    plugins: { 'import-x': importX },
    languageOptions: {
      parserOptions: {
        // Each file is checked with its nearest tsconfig.json: dashboard/'s for the dashboard.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    settings: {
      // Imports name the emitted `.js`; the sources are `.ts`.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.json', '.node'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      // Why import-x's no-restricted-paths: it checks the resolved file, so a folder's allowed
      // imports are one list (`except`) whatever the relative path looks like, nested folders
      // included, and node_modules packages are zones too. eslint-plugin-boundaries does more
      // (element types, captures) with more dependencies; no-restricted-imports matches import
      // strings, which cannot tell src/face/ from src/face/mediapipe/ by a relative path.
      'import-x/no-restricted-paths': ['error', { zones: [...folderZones, ...packageZones, dashboardZone] }],

      // Relaxed, each for a deliberate style of this codebase:
      // numbers are written into messages, file names and SQL fragments as they are.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `!` states an invariant the checker cannot see (a key just set, the first key of a map
      // known to be full); a throw in its place would be dead code.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `(x) => subscriber.next(x)` callbacks are the RxJS and DOM idiom, and `return voidCall()`
      // is this codebase's early exit from a void function; other void uses still count.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // Parts wired in a cycle (a hook that reaches the server assembled after it) are declared
      // with `let` and set once; read before that, they are undefined, as the hooks allow for.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading `_` marks a name left unused on purpose, as tsc's noUnused* options accept.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['dashboard/src/**/*.ts'],
    rules: {
      // Lit calls a template's `@event=${this.handler}` listeners with the element as `this`.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'dashboard/test/**/*.ts'],
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`, and
      // tests read JSON replies to assert on them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Fakes stand in for async interfaces with `async () => value`.
      '@typescript-eslint/require-await': 'off',
      // Teardown guards (`afterAll(() => models?.close())`) for fixtures a failed setup never made.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Tests hand methods to helpers that call them unbound (static factories).
      '@typescript-eslint/unbound-method': 'off',
      // Fakes answer with `return send(...)` and `(a, b)` sequences.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // ws hands a text message to its listener as a Buffer (the default binaryType).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    files: ['bench/pipeline/peer-human.ts'],
    rules: {
      // @vladmandic/human types its TensorFlow.js handle `human.tf` as `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  ...typeOnlyConfigs,
);
