import { run } from '@release-actions/core';
import { main } from './main.js';

await run('promote-s3', main);
