export * from './seed.js';
export * from './server.js';
export * from './release-layout.js';
