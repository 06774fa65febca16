import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../src/database/migrations';
import { quietSqlite3 } from '../../src/database/sqlite-driver';
import { STATE_DIR } from '../support/global-setup';
import { freePort } from '../support/queue-redis';
import { ensureBuilt, EntryProcess, healthOf, serviceEnv } from '../support/service-process';
import { createTestDatabase, usePostgres } from '../support/test-app';

/**
 * Issue 14 item 1: instances started at the same moment on an empty database all come up, the
 * schema is migrated once and the reference data and first admin are seeded once. The built
 * service (dist/main.js) as `npm start` runs it: 3 processes on PostgreSQL, 2 on one SQLite file.
 */
const INSTANCES = usePostgres ? 3 : 2;

/** The rows that must exist once, read straight from the database the processes share. */
async function countsIn(url: string): Promise<{ migrations: string[]; admins: number; cities: number; councils: number }> {
  const sql = {
    migrations: 'SELECT name FROM migrations ORDER BY id',
    admins: "SELECT COUNT(*) AS n FROM users WHERE role = 'admin'",
    cities: 'SELECT COUNT(*) AS n FROM cities',
    councils: 'SELECT COUNT(*) AS n FROM councils',
  };
  let query: (q: string) => Promise<Record<string, unknown>[]>;
  let close: () => Promise<void>;
  if (usePostgres) {
    const c = new Client({ connectionString: url });
    await c.connect();
    query = async (q) => (await c.query(q)).rows;
    close = () => c.end();
  } else {
    const ds = new DataSource({ type: 'sqlite', driver: quietSqlite3, database: url.replace(/^sqlite:/, ''), logging: false, entities: [] });
    await ds.initialize();
    query = (q) => ds.query(q);
    close = () => ds.destroy();
  }
  try {
    const n = async (q: string) => Number((await query(q))[0].n);
    return {
      migrations: (await query(sql.migrations)).map((r) => String(r.name)),
      admins: await n(sql.admins),
      cities: await n(sql.cities),
      councils: await n(sql.councils),
    };
  } finally {
    await close();
  }
}

describe(`${INSTANCES} instances started together on an empty ${usePostgres ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  const processes: EntryProcess[] = [];
  const dirs: string[] = [];
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(() => ensureBuilt(), 120_000);
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('all come up, each migration is recorded once, one admin and four cities with one council each', async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const queuePrefix = `kpac-test-${randomBytes(4).toString('hex')}`;
    const ports: number[] = [];
    for (let i = 0; i < INSTANCES; i++) ports.push(await freePort());
    for (const port of ports) {
      const dataDir = join(STATE_DIR, `simultaneous-${randomBytes(4).toString('hex')}`);
      dirs.push(dataDir);
      processes.push(new EntryProcess('dist/main.js', [], { ...serviceEnv({ port, dataDir, databaseUrl: db.url, queuePrefix }), WORKER: 'off' }));
    }
    await Promise.all(processes.map((p) => p.waitFor(/KPAC tracker listening/, 90_000)));
    for (const port of ports) expect([port, (await healthOf(port))?.status]).toEqual([port, 'ok']);

    const counts = await countsIn(db.url);
    expect(counts.migrations).toEqual(MIGRATIONS.map((m) => m.name));
    expect(counts).toMatchObject({ admins: 1, cities: 4, councils: 4 });
    // Exactly one of them printed that it created the admin.
    expect(processes.filter((p) => /Created admin/.test(p.stdout + p.stderr))).toHaveLength(1);
  }, 180_000);
});
