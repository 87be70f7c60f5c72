import { run } from '@release-actions/core/runtime/run';
import { main } from './main.js';

await run('open-website-pr', main);
