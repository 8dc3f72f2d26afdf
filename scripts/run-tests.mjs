#!/usr/bin/env node
// The whole test suite, as the README and CI run it: typecheck, lint, engine tests (vitest), UI tests
// (Playwright). Ends with one plain line 'N passed, N failed, N skipped' over all test cases.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const results = 'test-results';
mkdirSync(results, { recursive: true });
const vitestJson = `${results}/vitest.json`;
const pwJson = `${results}/playwright.json`;
rmSync(vitestJson, { force: true });
rmSync(pwJson, { force: true });

const stages = [
  ['typecheck', 'npm', ['run', 'typecheck']],
  ...(pkg.scripts['typecheck:web'] ? [['typecheck:web', 'npm', ['run', 'typecheck:web']]] : []),
  ['lint', 'npm', ['run', 'lint']],
  ['unit', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`]],
  ...(pkg.scripts['test:e2e']
    ? [['e2e', 'npm', ['run', 'test:e2e', '--', `--reporter=list,json`], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson }]]
    : []),
];

let failedStages = [];
for (const [name, cmd, args, env] of stages) {
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...(env ?? {}) } });
  if (r.status !== 0) failedStages.push(name);
}

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(vitestJson)) {
  const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests ?? 0;
  failed += v.numFailedTests ?? 0;
  skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
}
if (existsSync(pwJson)) {
  const p = JSON.parse(readFileSync(pwJson, 'utf8'));
  const s = p.stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
}
if (failedStages.length) console.log(`\nFailed stages: ${failedStages.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failedStages.length || failed ? 1 : 0);
