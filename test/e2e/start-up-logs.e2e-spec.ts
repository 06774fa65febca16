import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { STATE_DIR } from '../support/global-setup';
import { freePort } from '../support/queue-redis';
import { EntryProcess } from '../support/service-process';

/**
 * The first start as a person at a terminal sees it (LOG_FORMAT=pretty stands in for a TTY, which
 * a child process of jest does not have): readable lines and the generated admin password in a
 * frame; piped (JSON, as in production) the password stays the one line it was.
 */
describe('start-up logs', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const start = async (format: string) => {
    const dir = join(STATE_DIR, `logs-${randomBytes(4).toString('hex')}`);
    dirs.push(dir);
    const p = new EntryProcess('src/main.ts', [], {
      DATA_DIR: dir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      REDIS_URL: process.env.TEST_REDIS_URL!,
      QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
      ADMIN_EMAIL: 'first.admin@kpac.test',
      LOG_LEVEL: 'info',
      LOG_FORMAT: format,
      NO_COLOR: '1',
    });
    try {
      await p.waitFor(/KPAC tracker listening/);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      await p.stop();
    }
    return p.stdout;
  };

  it('pretty: human-readable lines, the admin e-mail and password framed on lines of their own', async () => {
    const out = await start('pretty');
    const lines = out.split('\n');
    expect(lines.filter((l) => l.trim().startsWith('{"level"'))).toEqual([]);
    const top = lines.findIndex((l) => l.startsWith('╔'));
    const bottom = lines.findIndex((l) => l.startsWith('╚'));
    expect(top).toBeGreaterThanOrEqual(0);
    expect(bottom).toBeGreaterThan(top + 3);
    const inside = lines.slice(top + 1, bottom);
    expect(inside.every((l) => l.startsWith('║') && l.endsWith('║'))).toBe(true);
    expect(inside.join('\n')).toContain('e-mail:    first.admin@kpac.test');
    expect(inside.join('\n')).toMatch(/password: {2}[A-Za-z0-9_-]{16}/);
    expect(new Set(inside.map((l) => l.length)).size).toBe(1);
  }, 90_000);

  it('json (a pipe, a log file, production): one JSON line per entry, the password line as before', async () => {
    const out = await start('json');
    const lines = out.split('\n').filter(Boolean);
    expect(lines.every((l) => l.startsWith('{'))).toBe(true);
    expect(out).not.toContain('╔');
    expect(lines.filter((l) => l.includes('generated password'))).toHaveLength(1);
  }, 90_000);
});
