#!/usr/bin/env node
// Runs the TypeScript CLI straight from a checkout (tsx compiles on the fly): no build step needed.
import { register } from 'tsx/esm/api';

register();
const { main, processIo } = await import('../src-engine/node/cli/main.ts');
const code = await main(process.argv.slice(2), processIo);
process.exitCode = code;
