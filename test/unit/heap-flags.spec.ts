import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFlags } from '../../bench/node-flags';

const ROOT = join(__dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

/**
 * The heap is sized for a small host wherever the service is started: npm start / npm run worker,
 * the image's CMD, the compose worker, the systemd units in docs/deploy.md and the bench (which
 * reads package.json). One of them drifting would run production with other memory than measured.
 */
describe('heap flags for a small host, the same everywhere the service starts', () => {
  const flags = startFlags();

  it('caps the old space and the young generation in npm start', () => {
    expect(flags).toEqual([expect.stringMatching(/^--max-old-space-size=\d+$/), expect.stringMatching(/^--max-semi-space-size=\d+$/)]);
    const oldSpace = Number(flags[0].split('=')[1]);
    expect(oldSpace).toBeGreaterThanOrEqual(96);
    expect(oldSpace).toBeLessThanOrEqual(200);
  });

  it('npm run worker, the Dockerfile CMD, the compose worker and the systemd units use the same flags', () => {
    const line = flags.join(' ');
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.scripts.worker).toBe(`npm run build && node ${line} dist/worker.js`);
    expect(read('Dockerfile')).toContain(`CMD ${JSON.stringify(['node', ...flags, 'dist/main.js']).replace(/,/g, ', ')}`);
    expect(read('docker-compose.yml')).toContain(`command: ${JSON.stringify(['node', ...flags, 'dist/worker.js']).replace(/,/g, ', ')}`);
    const deploy = read('docs/deploy.md');
    expect(deploy).toContain(`ExecStart=/usr/bin/node ${line} dist/main.js`);
    expect(deploy).toContain(`ExecStart=/usr/bin/node ${line} dist/worker.js`);
  });
});
