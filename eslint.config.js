// Lint rules the whole tree is clean under. The type-aware promise rules are the point: an un-awaited promise
// that rejects crashes the hotline (unhandled rejection), and an async callback handed to an API that expects a
// void return (event emitters, timers, React handlers) loses its rejection the same way.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

const testFiles = ['**/*.test.{ts,tsx}', 'tests/**', 'testkit/**', 'bench/**'];

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', '**/build/', '.asterisk-root/', '.asterisk-root.tmp/', '.hotline/', 'tests/.artifacts/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // each file is checked with the tsconfig that includes it (the server's or the desktop's)
        projectService: { allowDefaultProject: ['agent-desktop/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // an async function without await is a fine way to return a promise (interface implementations, fakes)
      '@typescript-eslint/require-await': 'off',
      // `_name` marks a value kept on purpose (a compile-time check, an omitted field in a rest destructuring)
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read untyped JSON bodies and use matchers (`expect.any`) typed `any`, and pass mocked methods around
    // unbound: the `any` and `this` rules would only add casts there. The promise rules still apply.
    files: testFiles,
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // the config files themselves (plain JavaScript run by Node)
    files: ['**/*.{js,cjs,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { module: 'writable', require: 'readonly', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
  },
);
