import { AuditEvent } from '../../src/audit/audit-event.entity';
import { City } from '../../src/councils/city.entity';
import { Council } from '../../src/councils/council.entity';
import { ReferenceDataService } from '../../src/councils/reference-data.service';
import { MIGRATIONS } from '../../src/database/migrations';
import { StatsReader } from '../../src/statistics/stats-reader';
import { User } from '../../src/users/user.entity';
import { DataSource } from 'typeorm';
import { createTestApp, createTestDatabase, TestApp, usePostgres } from '../support/test-app';

/** The database layer on a real SQLite file or a real PostgreSQL database, migrations applied. */
describe(`database (${usePostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let dbUrl: string;
  let dropDb: () => Promise<void>;
  beforeAll(async () => {
    const db = await createTestDatabase();
    dbUrl = db.url;
    dropDb = db.drop;
    t = await createTestApp({ databaseUrl: dbUrl });
  });
  afterAll(async () => {
    await t.close();
    await dropDb();
  });

  it('applies every migration once and never synchronizes', async () => {
    const rows: Array<{ name: string }> = await t.db.manager.query('SELECT name FROM migrations ORDER BY id');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => (new m() as { name?: string }).name ?? m.name));
    expect(t.db.dataSource.options.synchronize).toBe(false);
  });

  if (!usePostgres) {
    it('runs SQLite with WAL, foreign keys, FULL sync and a busy timeout', async () => {
      const q = async (pragma: string) => Object.values((await t.db.manager.query(`PRAGMA ${pragma}`))[0])[0];
      expect(await q('journal_mode')).toBe('wal');
      expect(Number(await q('foreign_keys'))).toBe(1);
      expect(Number(await q('synchronous'))).toBe(2); // FULL
      expect(Number(await q('busy_timeout'))).toBeGreaterThan(0);
    });
  }

  if (!usePostgres) {
    it('runs the statistics connection one query at a time (a finalize beside a running sibling would block the event loop)', async () => {
      const reader = t.app.get(StatsReader);
      await reader.query('SELECT 1 AS x');
      const source = (reader as unknown as { source: DataSource }).source;
      const events: string[] = [];
      const original = source.query.bind(source);
      const spy = jest.spyOn(source, 'query').mockImplementation(async (sql: string, params?: unknown[]) => {
        events.push(`start ${sql}`);
        const rows = await original(sql, params);
        events.push(`end ${sql}`);
        return rows;
      });
      const rows = await Promise.all(['a', 'b', 'c'].map((v) => reader.query(`SELECT '${v}' AS x`)));
      spy.mockRestore();
      expect(rows.map((r) => r[0].x)).toEqual(['a', 'b', 'c']);
      expect(events.map((e) => e.replace(/SELECT '(\w)' AS x/, '$1'))).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    });
  }

  it('enforces foreign keys', async () => {
    await expect(t.db.transaction(({ em }) => em.insert(Council, { cityId: 987_654, name: 'Orphan', seats: 4, termMonths: 24, createdAt: new Date() }))).rejects.toThrow();
    expect(await t.db.manager.count(Council, { where: { name: 'Orphan' } })).toBe(0);
  });

  it('keeps 200 concurrent transactions atomic, forced rollbacks included', async () => {
    const marker = `tx-${Date.now()}`;
    const errors: string[] = [];
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        t.db
          .transaction(async ({ em }) => {
            await em.insert(AuditEvent, { at: new Date(), actorUserId: null, actorType: 'system', action: marker, entity: 'test', entityId: `${i}-a`, details: null });
            // Yield between the two writes so transactions would interleave if they could.
            await new Promise((r) => setImmediate(r));
            await em.insert(AuditEvent, { at: new Date(), actorUserId: null, actorType: 'system', action: marker, entity: 'test', entityId: `${i}-b`, details: null });
            if (i % 3 === 0) throw new Error('forced rollback');
            return 'committed' as const;
          })
          .catch((err: Error) => {
            if (err.message !== 'forced rollback') errors.push(err.message);
            return 'rolled back' as const;
          }),
      ),
    );
    expect(errors).toEqual([]);
    const rows = await t.db.manager.find(AuditEvent, { where: { action: marker } });
    const byTx = new Map<string, number>();
    for (const r of rows) byTx.set(r.entityId!.split('-')[0], (byTx.get(r.entityId!.split('-')[0]) ?? 0) + 1);
    const committed = outcomes.flatMap((o, i) => (o === 'committed' ? [String(i)] : []));
    expect(committed).toHaveLength(133);
    // Every committed transaction left both rows; no rolled-back one left any.
    expect([...byTx.keys()].sort()).toEqual(committed.sort());
    expect([...byTx.values()].every((n) => n === 2)).toBe(true);
    expect(rows).toHaveLength(266);
  });

  it('seeds the reference data idempotently, also across a restart on the same database', async () => {
    await t.app.get(ReferenceDataService).seed();
    await t.app.get(ReferenceDataService).seed();
    const cities = await t.db.manager.find(City, { order: { code: 'ASC' } });
    expect(cities.map((c) => c.code)).toEqual(['BKH', 'DSH', 'KHJ', 'KLB']);
    const councils = await t.db.manager.find(Council);
    expect(councils).toHaveLength(4);
    expect(councils.every((c) => c.seats === 4 && c.termMonths === 24)).toBe(true);

    // A second start on the same database: no migration re-runs, nothing is duplicated.
    const again = await createTestApp({ databaseUrl: dbUrl });
    try {
      expect(await again.db.manager.count(City)).toBe(4);
      expect(await again.db.manager.count(Council)).toBe(4);
      expect(await again.db.manager.count(User, { where: { role: 'admin' } })).toBe(1);
      const rows: unknown[] = await again.db.manager.query('SELECT name FROM migrations');
      expect(rows).toHaveLength(MIGRATIONS.length);
    } finally {
      await again.close();
    }
  });
});
