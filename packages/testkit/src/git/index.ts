export * from './fast-import.js';
export * from './fixtures.js';
export * from './repos.js';
export * from './http-server.js';
export * from './revert.js';
