#!/usr/bin/env node
// The browser tests drive Debian's Chromium (browser downloads do not work here). On a fresh
// machine where we are root with apt, install it; otherwise say in one line how to get it.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (isRoot && hasApt) {
  process.stdout.write('Chromium is missing; installing Debian\'s chromium for the browser tests (apt-get)…\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  if (run(['update', '-qq']) && run(['install', '-y', '-qq', 'chromium']) && existsSync(path)) process.exit(0);
}
process.stderr.write(`Browser tests need Chromium at ${path}: apt-get install -y chromium, or set CHROMIUM_PATH.\n`);
process.exit(1);
