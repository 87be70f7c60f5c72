import { run } from '@release-actions/core/run';
import { main } from './main.js';

await run('promote-s3', main);
