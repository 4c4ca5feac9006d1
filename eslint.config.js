import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.run/', 'dist/', 'bin/', 'scripts/ensure-deps.mjs', 'eslint.config.js',
    // the desk's one browser script (plain ES5, no TypeScript project)
    'templates/desk/assets/'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // knex results are typed with `as`; the rule would have us restate them as type arguments.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unnecessary-condition': 'off' },
  },
);
