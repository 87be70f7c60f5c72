export { runAction, listActions, readOutputFile } from './run-action.js';
