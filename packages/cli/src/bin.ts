#!/usr/bin/env -S npx tsx
import { main } from './main.js';
import { installTerminalOutput } from './terminal.js';

if (!process.env['GITHUB_ACTIONS']) installTerminalOutput();
process.exitCode = await main(process.argv.slice(2));
