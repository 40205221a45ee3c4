import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'demo/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts', 'webview-ui/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The toolkit stays inside webview-ui/ so a later move to @vscode-elements touches one folder.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@vscode/webview-ui-toolkit*'] }],
    },
  },
  {
    // The domain is pure: no vscode, no node child processes.
    files: ['src/domain/**/*.ts', 'src/protocol.ts', 'src/settingKeys.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['vscode', 'child_process', 'node:child_process'], patterns: ['@vscode/webview-ui-toolkit*'] }],
    },
  },
);
