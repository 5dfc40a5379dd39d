import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'scratch/', 'data/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // Amounts are bigint: parsing money through a float is the bug this project exists to avoid.
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'Amounts are bigint base units: use parseAmount.' }],
      'no-restricted-properties': ['error', { object: 'Number', property: 'parseFloat', message: 'Amounts are bigint base units: use parseAmount.' }],
    },
  },
);
