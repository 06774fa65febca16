import { readFileSync, existsSync } from 'node:fs';
import { bearer, cityByCode, seedMember, SeededMember } from '../support/fixtures';
import { createTestApp, TestApp, usePostgres } from '../support/test-app';

/**
 * A unique phone number and e-mail address go in with a complaint; afterwards they must be found
 * nowhere except in the answer of the audited reveal route.
 */
describe('complaints: contact details stay secret', () => {
  let t: TestApp;
  let member: SeededMember;
  let cityId: number;
  const stamp = String(1_000_000 + Math.floor(Math.random() * 8_999_999));
  const PHONE = `+992 93 ${stamp}`;
  const EMAIL = `canary.${stamp}@example.org`;
  const OTHER = `canary-other-${stamp}`;
  const canaries = [PHONE, EMAIL, OTHER, PHONE.replace(/\s/g, '')];
  const responses: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    member = await seedMember(t, 'KHJ');
    cityId = (await cityByCode(t, 'KHJ')).city.id;
  });
  afterAll(async () => {
    await t.close();
  });

  /** Every response body except the reveal's is collected and searched at the end. */
  const keep = <T extends { text: string }>(res: T) => {
    responses.push(res.text);
    return res;
  };

  it('never shows the contact outside the reveal route, which is audited', async () => {
    const sub = keep(
      await t
        .http()
        .post('/api/v1/public/complaints')
        .send({
          cityId,
          category: 'confidentiality_breach',
          description: 'A nurse told my neighbour about my status.',
          contact: { phone: PHONE, email: EMAIL, other: OTHER },
          consents: { mayContact: true, discloseIdentityToFacility: false },
        })
        .expect(201),
    );
    const { reference, trackingCode } = sub.body;
    // A staff-entered complaint with a contact as well.
    keep(
      await t
        .http()
        .post('/api/v1/complaints')
        .set(bearer(member.token))
        .send({ cityId, category: 'staff_attitude', description: 'Told by phone', channel: 'hotline', contact: { phone: PHONE } })
        .expect(201),
    );
    // A bad request carrying the canary must not echo it back.
    const bad = keep(await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'x', description: 'y', contact: { email: PHONE, phone: EMAIL } }));
    expect(bad.status).toBe(400);

    keep(await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200));
    const list = keep(await t.http().get('/api/v1/complaints').set(bearer(member.token)).expect(200));
    const row = list.body.items.find((c: { reference: string }) => c.reference === reference);
    expect(row.hasContact).toBe(true);
    const detail = keep(await t.http().get(`/api/v1/complaints/${row.id}`).set(bearer(member.token)).expect(200));
    expect(detail.body).toMatchObject({ hasContact: true, mayContact: true });
    keep(await t.http().post(`/api/v1/complaints/${row.id}/triage`).set(bearer(member.token)).send({ decision: 'accept' }).expect(200));
    keep(await t.http().get(`/api/v1/complaints/${row.id}`).set(bearer(t.adminToken)).expect(200));

    const reveal = await t.http().post(`/api/v1/complaints/${row.id}/contact/reveal`).set(bearer(member.token)).expect(200);
    expect(reveal.body).toEqual({ contact: { phone: PHONE, email: EMAIL, other: OTHER }, mayContact: true });

    const audit = keep(await t.http().get(`/api/v1/audit?entity=complaint`).set(bearer(t.adminToken)).expect(200));
    const revealEvents = audit.body.items.filter((e: { action: string; entityId: string }) => e.action === 'complaint.contact_reveal' && e.entityId === String(row.id));
    expect(revealEvents).toHaveLength(1);
    const after = keep(await t.http().get(`/api/v1/complaints/${row.id}`).set(bearer(member.token)).expect(200));
    expect(after.body.timeline).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'contact_revealed', public: false, actorUserId: member.userId })]));
    // The complainant's view does not show the reveal.
    const tracked = keep(await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode }).expect(200));
    expect(tracked.body.timeline.map((e: { type: string }) => e.type)).not.toContain('contact_revealed');

    for (const text of responses) for (const c of canaries) expect(text).not.toContain(c);
    for (const c of canaries) expect(t.logs.text()).not.toContain(c);
    expect(t.logs.text()).not.toContain(trackingCode);

    // At rest: the ciphertext is there, the plaintext nowhere.
    const [stored] = await t.db.manager.query(`SELECT contact_enc FROM complaints WHERE id = ${Number(row.id)}`);
    expect(stored.contact_enc).toMatch(/^v1:[A-Za-z0-9_-]{12}:/); // a random key id (issue 11), no fingerprint of the secret
    if (usePostgres) {
      for (const table of ['complaints', 'complaint_events', 'audit_events', 'complaint_key_populations']) {
        const rows: { x: string }[] = await t.db.manager.query(`SELECT t::text AS x FROM ${table} t`);
        const text = rows.map((r) => r.x).join('\n');
        for (const c of [PHONE, EMAIL, OTHER]) expect(text).not.toContain(c);
      }
      const [{ x }] = await t.db.manager.query(`SELECT count(*)::int AS x FROM complaints WHERE contact_enc IS NOT NULL`);
      expect(x).toBe(2);
    } else {
      await t.db.manager.query('PRAGMA wal_checkpoint(PASSIVE)');
      const path = (t.config.database as { path: string }).path;
      const files = [path, `${path}-wal`].filter((f) => existsSync(f));
      expect(files.length).toBeGreaterThan(0);
      // The database file must at least hold the reference, so the search is a real one.
      const all = Buffer.concat(files.map((f) => readFileSync(f)));
      expect(all.includes(Buffer.from(reference))).toBe(true);
      for (const c of [PHONE, EMAIL, OTHER]) {
        expect(all.includes(Buffer.from(c, 'utf8'))).toBe(false);
        expect(all.includes(Buffer.from(c, 'utf16le'))).toBe(false);
      }
    }
  });
});
