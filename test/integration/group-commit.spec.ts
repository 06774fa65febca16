import { EntityManager } from 'typeorm';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { BatchOutcome, GroupCommit } from '../../src/database/group-commit';
import { createTestApp, TestApp, usePostgres } from '../support/test-app';

/** The group-commit primitive on the real database layer (serialised SQLite writes or PostgreSQL). */
describe(`group commit (${usePostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Writes one audit row per item; 'poison' fails the statement after the others were written, 'refuse' is turned away. */
  function writer(marker: string, batchSizes: number[]) {
    return async (em: EntityManager, items: string[]): Promise<BatchOutcome<string>[]> => {
      batchSizes.push(items.length);
      const outcomes: BatchOutcome<string>[] = [];
      for (const item of items) {
        if (item === 'refuse') {
          outcomes.push({ refused: new Error('refused on its own') });
          continue;
        }
        await em.insert(AuditEvent, { at: new Date(), actorUserId: null, actorType: 'system', action: marker, entity: 'test', entityId: item, details: null });
        outcomes.push({ ok: `wrote ${item}` });
      }
      if (items.includes('poison')) throw new Error('poisoned batch');
      return outcomes;
    };
  }
  const written = async (marker: string) =>
    ((await t.db.manager.find(AuditEvent, { where: { action: marker } })) as AuditEvent[]).map((e) => e.entityId).sort();

  it('commits items submitted together in shared transactions', async () => {
    const sizes: number[] = [];
    const batches = new GroupCommit(t.db, writer('gc-together', sizes), 10);
    const items = Array.from({ length: 35 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    await expect(Promise.all(items.map((i) => batches.submit(i)))).resolves.toEqual(items.map((i) => `wrote ${i}`));
    expect(await written('gc-together')).toEqual(items);
    expect(sizes.every((n) => n <= 10)).toBe(true);
    expect(sizes.length).toBeLessThanOrEqual(5);
  });

  it('turns a refused item away without failing the rest of its batch', async () => {
    const sizes: number[] = [];
    const batches = new GroupCommit(t.db, writer('gc-refuse', sizes));
    const results = await Promise.allSettled(['a', 'refuse', 'b'].map((i) => batches.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused on its own');
    expect(await written('gc-refuse')).toEqual(['a', 'b']);
    expect(sizes).toEqual([3]);
  });

  it('rolls a failed batch back and retries its items one by one, so only the bad one fails', async () => {
    const sizes: number[] = [];
    const batches = new GroupCommit(t.db, writer('gc-poison', sizes));
    const results = await Promise.allSettled(['p1', 'p2', 'poison', 'p3'].map((i) => batches.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('poisoned batch');
    // Each good item exactly once: the failed batch left nothing behind.
    expect(await written('gc-poison')).toEqual(['p1', 'p2', 'p3']);
    expect(sizes).toEqual([4, 1, 1, 1, 1]);
  });

  it('keeps working after a failure: a later submission gets its own batch', async () => {
    const batches = new GroupCommit(t.db, writer('gc-later', []));
    await expect(batches.submit('poison')).rejects.toThrow('poisoned batch');
    await expect(batches.submit('after')).resolves.toBe('wrote after');
    expect(await written('gc-later')).toEqual(['after']);
  });
});
