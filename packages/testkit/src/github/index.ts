export * from './server.js';
export * from './state.js';
export { SERVED_OPERATIONS, type ServedOperation } from './operations.js';
