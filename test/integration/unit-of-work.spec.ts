import { AuditEvent } from '../../src/audit/audit-event.entity';
import { AuditService } from '../../src/audit/audit.service';
import { SYSTEM_ACTOR } from '../../src/auth/actor';
import { ComplaintEvent } from '../../src/complaints/complaint-event.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import { UnitOfWork } from '../../src/database/unit-of-work';
import { givenComplaint } from '../support/escalation-fixtures';
import { createTestApp, TestApp, usePostgres } from '../support/test-app';

/** The write path on the real database layer (serialised SQLite writes, or PostgreSQL). */
describe(`unit of work and batched commands (${usePostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const audit = () => t.app.get(AuditService);
  const written = async (marker: string) => (await t.db.manager.find(AuditEvent, { where: { action: marker } })).map((e) => e.entityId).sort();
  const record = (uow: UnitOfWork, marker: string, item: string) => audit().record(uow, { actor: SYSTEM_ACTOR, action: marker, entity: 'test', entityId: item });

  /** A command that writes one audit row per item: 'refuse' is turned away, 'poison' fails its transaction. */
  function command(marker: string) {
    return t.db.command<string, string>({
      check: async (_uow, items) => items.map((i) => (i === 'refuse' ? new Error('refused on its own') : null)),
      apply: async (uow, items) => {
        for (const i of items) record(uow, marker, i);
        if (items.includes('poison')) throw new Error('poisoned batch');
        return items.map((i) => `wrote ${i}`);
      },
    });
  }

  it('answers every call submitted together with its own result', async () => {
    const run = command('uow-together');
    const items = Array.from({ length: 35 }, (_, i) => `item-${String(i).padStart(2, '0')}`);
    await expect(Promise.all(items.map(run))).resolves.toEqual(items.map((i) => `wrote ${i}`));
    expect(await written('uow-together')).toEqual(items);
  });

  it('turns a refused call away without failing the others of its batch, and writes nothing for it', async () => {
    const run = command('uow-refuse');
    const results = await Promise.allSettled(['a', 'refuse', 'b'].map(run));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused on its own');
    expect(await written('uow-refuse')).toEqual(['a', 'b']);
  });

  it('rolls a failed batch back and runs its calls one by one, so only the bad one fails', async () => {
    const run = command('uow-poison');
    const results = await Promise.allSettled(['p1', 'p2', 'poison', 'p3'].map(run));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('poisoned batch');
    // Each good call exactly once: the failed batch left nothing behind, its appended rows included.
    expect(await written('uow-poison')).toEqual(['p1', 'p2', 'p3']);
  });

  it('keeps working after a failure: a later call gets its own batch', async () => {
    const run = command('uow-later');
    await expect(run('poison')).rejects.toThrow('poisoned batch');
    await expect(run('after')).resolves.toBe('wrote after');
    expect(await written('uow-later')).toEqual(['after']);
  });

  it('writes appended rows only at commit, parents before the rows that refer to them', async () => {
    const base = await givenComplaint(t, 'BKH');
    const id = await t.db.transaction(async (uow) => {
      const [reserved] = await uow.reserveIds(Complaint, 1);
      // The event is appended before its complaint, and still lands after it (foreign keys are on).
      uow.append(ComplaintEvent, { complaintId: reserved, at: uow.now, type: 'submitted', public: true, actorUserId: null, note: null, data: null });
      const { id: _id, ...fields } = base;
      uow.append(Complaint, { ...fields, id: reserved, reference: `${base.reference.slice(0, 12)}X` });
      // Nothing is written before the end of the unit.
      expect(await uow.em.count(ComplaintEvent, { where: { complaintId: reserved } })).toBe(0);
      return reserved;
    });
    expect(await t.db.manager.findOneByOrFail(Complaint, { id })).toMatchObject({ id, cityId: base.cityId });
    expect(await t.db.manager.countBy(ComplaintEvent, { complaintId: id })).toBe(1);
  });

  it('reserves ids that rows can refer to before they exist: ascending, never reused, never taken by a plain insert', async () => {
    const [a, b, c] = await t.db.transaction((uow) => uow.reserveIds(AuditEvent, 3));
    expect([b - a, c - b]).toEqual([1, 1]);
    const next = await t.db.transaction((uow) => uow.reserveIds(AuditEvent, 2));
    expect(next[0]).toBeGreaterThan(c);
    // A row inserted the ordinary way takes an id after every reserved one, even unused reservations.
    await t.db.transaction((uow) => record(uow, 'uow-plain', 'plain'));
    const plain = await t.db.manager.findOneByOrFail(AuditEvent, { action: 'uow-plain' });
    expect(plain.id).toBeGreaterThan(next[1]);
    // A reservation rolled back with its transaction is not handed out twice either way it goes.
    const rolledBack = await t.db.transaction(async (uow) => {
      const ids = await uow.reserveIds(AuditEvent, 1);
      throw Object.assign(new Error('undo'), { ids });
    }).catch((err: { ids: number[] }) => err.ids);
    const after = await t.db.transaction((uow) => uow.reserveIds(AuditEvent, 1));
    expect(after[0]).not.toBe(plain.id);
    expect(after[0]).toBeGreaterThanOrEqual(rolledBack[0]);
  });

  it('binds each contact ciphertext to its own row in a batch of intakes', async () => {
    const { city } = await import('../support/fixtures').then((f) => f.cityByCode(t, 'KHJ'));
    const phones = Array.from({ length: 20 }, (_, i) => `+992 90 222 ${String(i).padStart(4, '0')}`);
    const res = await Promise.all(
      phones.map((phone) =>
        t.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'waiting_time', description: `Waited for ${phone.slice(-2)} hours`, contact: { phone }, consents: { mayContact: true, discloseIdentityToFacility: false } }),
      ),
    );
    expect(res.map((r) => r.status)).toEqual(phones.map(() => 201));
    for (const [i, r] of res.entries()) {
      const c = await t.db.manager.findOneByOrFail(Complaint, { reference: r.body.reference });
      const reveal = await t.http().post(`/api/v1/complaints/${c.id}/contact/reveal`).set({ authorization: `Bearer ${t.adminToken}` }).send({}).expect(200);
      expect(reveal.body.contact).toEqual({ phone: phones[i] });
    }
  });
});
