// The root config plus the tests of the repository's own scripts (scripts/**/*.test.ts).
import base from '../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...base,
  rootDir: '..',
  roots: [...base.roots, '<rootDir>/scripts'],
  testPathIgnorePatterns: [...base.testPathIgnorePatterns, '/fixtures/'],
};
