/**
 * Jest runs the TypeScript tests through ts-jest; test/ mirrors the source tree.
 * isolatedModules lives in tsconfig.json, where ts-jest reads it: each file is
 * transpiled alone, and `npx tsc --noEmit` (make test's typecheck) does the type checking once.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // A guard against hangs, not a speed limit: tests run on virtual time, and a busy machine only makes them slower.
  testTimeout: 300000,
  // Two cores, and most test files spend their time waiting on moto and Python children: three workers keep both busy.
  maxWorkers: 3,
};
