import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', 'coverage/**', 'examples/dashboard/.next/**', 'examples/dashboard/out/**', 'examples/dashboard/next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      // docs/client.md (describeError): never a plain alert(); errors go to a modal (see describeError).
      'no-alert': 'error',
      'no-restricted-globals': ['error', { name: 'alert', message: 'Use a modal and describeError(), never alert().' }],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'alert', message: 'Use a modal and describeError(), never alert().' },
        { object: 'globalThis', property: 'alert', message: 'Use a modal and describeError(), never alert().' },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
