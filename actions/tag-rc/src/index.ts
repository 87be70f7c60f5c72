import { run } from '@release-actions/core';
import { main } from './main.js';

await run('tag-rc', main);
