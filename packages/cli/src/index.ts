export { runAction, listActions } from './run-action.js';
