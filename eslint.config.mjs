// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Patches of library objects and reads of their private fields: src/fences only. */
const PATCHES = [
  {
    selector:
      "AssignmentExpression[left.type='MemberExpression'][left.object.type!='ThisExpression'][right.type=/^(FunctionExpression|ArrowFunctionExpression)$/][right.body.type!='Literal']",
    message: "Replacing another object's method is a patch: put it in a fence (src/fences).",
  },
  {
    selector:
      "CallExpression[callee.object.name='Object'][callee.property.name=/^(assign|defineProperty|defineProperties|setPrototypeOf)$/][arguments.0.type=/^(Identifier|MemberExpression)$/]:not([callee.property.name='defineProperty'][arguments.1.value='name'])",
    message: 'Changing an existing object in place is a patch: put it in a fence (src/fences).',
  },
  {
    selector: "MemberExpression[object.type='MemberExpression'][object.property.name='prototype']",
    message: "Reaching into a class's prototype: put it in a fence (src/fences).",
  },
  {
    selector:
      "TSAsExpression[typeAnnotation.type='TSTypeLiteral'] > TSAsExpression.expression[typeAnnotation.type='TSUnknownKeyword']",
    message: "`as unknown as { ... }` reaches a library's private fields: put it in a fence (src/fences).",
  },
];
/**
 * The SQLite transaction rules (src/database/transaction-runner.ts): TypeORM's better-sqlite3
 * driver has one connection, so a transaction TypeORM opens by itself would take other
 * requests' statements along, and a rollback would undo them.
 */
const OWN_TRANSACTION = [
  {
    selector:
      "CallExpression[callee.property.name=/^(transaction|startTransaction)$/][callee.object.type='MemberExpression'][callee.object.property.name=/^(dataSource|manager|queryRunner)$/]",
    message: 'Transactions go through TransactionRunner.run() (the SQLite lock, the retries).',
  },
];
/** In services, where `this.<name>` is a Repository. */
const REPOSITORY_WRITES = [
  {
    selector:
      "CallExpression[callee.property.name=/^(save|remove|softRemove|recover)$/][callee.object.type='MemberExpression'][callee.object.object.type='ThisExpression'][arguments.length=1]",
    message:
      'A repository save/remove opens its own transaction: pass { transaction: false } for one row, or use TransactionRunner.run() for more.',
  },
  {
    selector:
      "CallExpression[callee.property.name=/^(run|read|runScript)$/][callee.object.property.name=/^(runner|tx)$/] CallExpression[callee.object.type='MemberExpression'][callee.object.object.type='ThisExpression'][callee.property.name=/^(find|findOne|findOneBy|findBy|findAndCount|count|exists|existsBy|save|insert|update|delete|remove|upsert|increment|decrement|query|createQueryBuilder)$/]",
    message:
      "Inside TransactionRunner.run()/read(), use the EntityManager it hands you: a repository of the service runs outside the transaction on MySQL.",
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'eslint.config.mjs', 'jest.config.js', 'test/jest-e2e.config.js', 'test/generated/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/unbound-method': 'off',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.' }],
    },
  },
  // Fences (src/fences, docs/architecture.md "Fences"): a library's inner paths and patches
  // of library objects live there, each with a test that fails when the library changes.
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/fences/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@nestjs/*/*',
                'typeorm/*',
                'fastify/*',
                'class-validator/*',
                'class-transformer/*',
                'mysql2/*',
                '!mysql2/promise',
                'better-sqlite3/*',
                'ioredis/*',
                'cache-manager/*',
                'keyv/*',
                'jsonwebtoken/*',
                'passport/*',
                'passport-jwt/*',
              ],
              message: "A library's inner path: import it through a fence in src/fences (with its test).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/fences/**', '**/*.spec.ts'],
    rules: { 'no-restricted-syntax': ['error', ...PATCHES, ...OWN_TRANSACTION] },
  },
  {
    files: ['src/**/*.service.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...PATCHES, ...OWN_TRANSACTION, ...REPOSITORY_WRITES],
    },
  },
  {
    // The one owner of transactions.
    files: ['src/database/transaction-runner.ts'],
    rules: { 'no-restricted-syntax': ['error', ...PATCHES] },
  },
  {
    files: ['src/config/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'src/database/data-source.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Response bodies in tests are checked by assertions, not by types.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
