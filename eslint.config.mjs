// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/api/**/*.ts', 'src/usage/**/*.ts', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'api/ and usage/ never import vscode.' }] }],
    },
  },
  {
    // Browser-safe code: the webview bundles it, so no Node built-ins, no vscode, no network layer.
    files: ['src/shared/**/*.ts', 'src/report/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'vscode', message: 'src/shared and src/report are browser-safe: no vscode.' },
            { name: 'undici', message: 'src/shared and src/report are browser-safe: no network layer.' },
          ],
          patterns: [
            { group: ['node:*'], message: 'src/shared and src/report are browser-safe: no Node built-ins.' },
            { group: ['../*', '!../shared', '!../shared/*', '!../report', '!../report/*'], message: 'src/shared and src/report import only each other.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/shared is browser-safe: no vscode.' }],
          patterns: [
            { group: ['node:*'], message: 'src/shared is browser-safe: no Node built-ins.' },
            { group: ['../*'], message: 'src/shared imports only itself (and zod).' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'The webview runs in a browser.' }],
          patterns: [
            { group: ['node:*'], message: 'The webview runs in a browser.' },
            { group: ['../src/*', '!../src/shared', '!../src/report'], message: 'The webview imports only src/shared and src/report.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
