#!/usr/bin/env node
// Exit 0 when node_modules holds exactly what package-lock.json asks for, else print why and exit 1.
// Compares the lockfile with npm's record of what it installed (node_modules/.package-lock.json):
// the same check npm makes, without starting npm. Optional packages for other platforms may be absent.
import { existsSync, readFileSync } from 'node:fs';

const stale = (why) => {
  console.log(why);
  process.exit(1);
};
if (!existsSync('node_modules')) stale('node_modules is missing');
if (!existsSync('node_modules/.package-lock.json')) stale('node_modules was not installed by npm ci');
const wanted = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages ?? {};
const installed = JSON.parse(readFileSync('node_modules/.package-lock.json', 'utf8')).packages ?? {};
for (const [name, want] of Object.entries(wanted)) {
  if (name === '') continue;
  const have = installed[name];
  if (!have) {
    if (want.optional || want.devOptional) continue;
    stale(`${name} is not installed`);
  }
  if ((have.version ?? have.resolved) !== (want.version ?? want.resolved))
    stale(`${name} is ${have.version ?? have.resolved}; package-lock.json wants ${want.version ?? want.resolved}`);
}
for (const name of Object.keys(installed))
  if (!(name in wanted)) stale(`${name} is installed but not in package-lock.json`);
