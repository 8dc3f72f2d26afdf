// Lint rules, mostly to keep the boundaries of STYLE.md real: the engine stays pure, the renderer
// talks to the engine only through the typed Api (plus pure graph helpers), Electron stays thin.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'worker_threads',
  'zlib',
  'crypto',
  'http',
  'net',
  'url',
  'stream',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      'dist/**',
      'coverage/**',
      'test-results/**',
      'playwright-report/**',
      'bench/out/**',
      '**/*.d.ts',
      // AssemblyScript sources (compiled by `npm run build:wasm`, not by tsc).
      '**/*.as.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
  },
  {
    // The engine is framework-free and runs anywhere; only src-engine/node touches Node.
    files: ['src-engine/**/*.ts'],
    ignores: ['src-engine/node/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The engine is pure: Node APIs belong in src-engine/node/.' },
            {
              group: ['electron', 'svelte', 'svelte/*', 'onnxruntime-node', 'sharp', 'ws'],
              message: 'The engine has no Electron, Svelte or native imports outside src-engine/node/.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'window', message: 'No DOM in the engine.' },
        { name: 'document', message: 'No DOM in the engine.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Use the seeded Rng passed in.' },
      ],
    },
  },
  {
    // The renderer sees the engine only through the Api types and pure modules.
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: nodeBuiltins, message: 'The renderer runs in a browser: no Node APIs.' },
            {
              group: ['electron', 'onnxruntime-node', 'sharp', 'ws'],
              message: 'The renderer talks to the app only through the Api.',
            },
            {
              // An allow-list: of the engine, the page sees the Api (protocol) and the pure graph helpers only.
              regex: String.raw`src-engine/(?!(protocol|graph)/)`,
              message:
                'The renderer may import src-engine/protocol (the Api) and src-engine/graph (pure graph helpers) only; engine work goes through the Api.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/src-engine/backprop/**',
                '**/src-engine/tensor/**',
                '**/src-engine/layers/**',
                '**/src-engine/optim/**',
                '**/src-engine/losses/**',
              ],
              message: 'Electron glue does no math: delegate to the engine host.',
            },
          ],
        },
      ],
    },
  },
);
