export * from './errors.js';
export * from './inputs.js';
export * from './plan.js';
export * from './receipt.js';
export * from './render.js';
export * from './run.js';
export * from './retry.js';
export * from './version.js';
