import { createCipheriv, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { deriveKey, FieldCipher, sha256Hex } from '../../src/common/crypto';
import { quarterInZone } from '../../src/common/dates';
import { Complaint } from '../../src/complaints/complaint.entity';
import { contactAad, contactCipher } from '../../src/complaints/contact-cipher';
import { complaintRow } from '../../src/complaints/complaint-row';
import { Escalation } from '../../src/escalations/escalation.entity';
import { tokenAad } from '../../src/escalations/response-links';
import { EncryptionKey } from '../../src/keys/encryption-key.entity';
import { CIPHER_PURPOSES, KeyRing, keyRingFor } from '../../src/keys/key-ring';
import { ROTATION_TARGETS } from '../../src/keys/key-rotation.service';
import { givenComplaint } from '../support/escalation-fixtures';
import { bearer, cityByCode, seedFacility, seedMember } from '../support/fixtures';
import { STATE_DIR } from '../support/global-setup';
import { EntryProcess } from '../support/service-process';
import { TestSmtp } from '../support/smtp';
import { createTestApp, createTestDatabase, TestApp, usePostgres } from '../support/test-app';

/**
 * Issue 11, item 11: APP_SECRET rotation on a database of 10,000 complaints. Half of their contact
 * envelopes are in the format earlier versions wrote (key id = a 32-bit fingerprint of the
 * secret), half under a random key id of the old secret. The service is restarted on the new
 * secret with the old one in APP_SECRET_PREVIOUS and keeps serving while `rotate-keys` runs (as
 * its own process, killed once half-way and run again); afterwards a service configured with
 * only the new secret reads every contact, every link token and every earlier tracking code.
 */
const OLD = 'old-secret-0123456789abcdef0123456789abcdef';
const NEW = 'new-secret-fedcba9876543210fedcba9876543210';
const COMPLAINTS = 10_000;
const phoneOf = (id: number) => `+992 90 ${String(id).padStart(7, '0')}`;

/** The envelope earlier versions wrote: kid = sha256("kid:<purpose>:<secret>")[0..8]. */
function legacyEnvelope(secret: string, purpose: string, plaintext: string, aad: string): string {
  const kid = sha256Hex(`kid:${purpose}:${secret}`).slice(0, 8);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(secret, purpose), iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

describe(`key rotation on ${usePostgres ? 'PostgreSQL' : 'SQLite'} (issue 11, item 11)`, () => {
  let smtp: TestSmtp;
  let databaseUrl: string;
  let drop: () => Promise<void>;
  const dataDir = join(STATE_DIR, `rotate-${randomBytes(4).toString('hex')}`);
  let tracked: { reference: string; trackingCode: string };
  let escalationIds: number[] = [];

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    const db = await createTestDatabase();
    databaseUrl = db.url;
    drop = db.drop;
  });
  afterAll(async () => {
    await drop?.();
    await smtp?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const rotateKeys = (args: string[], env: Record<string, string>) =>
    new EntryProcess('src/rotate-keys.ts', args, { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });

  it('data written under the old secret: 10,000 contacts (half in the old key-id format), link tokens, a tracking code', async () => {
    const a = await createTestApp({ databaseUrl, env: { APP_SECRET: OLD, SMTP_URL: smtp.url, PUBLIC_RATE_LIMIT: '0' } });
    try {
      const { city } = await cityByCode(a, 'BKH');
      tracked = (await a.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'other', description: 'Before the rotation.', contact: { phone: '+992 90 000 0001' } }).expect(201)).body;
      const member = await seedMember(a, 'BKH');
      const facility = await seedFacility(a, 'BKH', { contactEmails: ['site@facility.test'] });
      for (let i = 0; i < 5; i++) {
        const c = await givenComplaint(a, 'BKH');
        const res = await a.http().post(`/api/v1/complaints/${c.id}/escalations`).set(bearer(member.token)).send({ facilityId: facility.id, summary: 'Clients wait two hours at the window.' }).expect(202);
        escalationIds.push(res.body.id);
      }
      // Tokens of earlier versions were written with fingerprint key ids too.
      await a.db.transaction(async ({ em }) => {
        const first = await em.query(`SELECT id, token_enc FROM escalations WHERE id = ${escalationIds[0]}`);
        const token = keyRingFor(a.config).cipher('response-link').decrypt(first[0].token_enc, tokenAad(escalationIds[0]));
        await em.update(Escalation, { id: escalationIds[0] }, { tokenEnc: legacyEnvelope(OLD, 'response-link', token, tokenAad(escalationIds[0])) });
      });

      const now = a.clock.now();
      const cipher = contactCipher(a.config);
      for (let start = 0; start < COMPLAINTS; start += 500) {
        await a.db.transaction(async (uow) => {
          const ids = await uow.reserveIds(Complaint, 500);
          uow.append(
            Complaint,
            ids.map((id, k) => {
              const plain = JSON.stringify({ phone: phoneOf(id) });
              return complaintRow(
                {
                  id,
                  reference: `BKH-26-R${start + k}`,
                  trackingHash: sha256Hex(randomBytes(8).toString('hex')),
                  channel: 'web',
                  cityId: city.id,
                  category: 'waiting_time',
                  description: 'Seeded for the rotation test.',
                  mayContact: true,
                  status: 'in_review',
                  receivedAt: now,
                  contactEnc: id % 2 ? cipher.encrypt(plain, contactAad(id)) : legacyEnvelope(OLD, 'contact', plain, contactAad(id)),
                },
                a.config.timeZone,
              );
            }),
          );
        });
      }
      const kids = await a.db.manager.query("SELECT contact_enc FROM complaints WHERE contact_enc IS NOT NULL");
      expect(kids.length).toBeGreaterThanOrEqual(COMPLAINTS);
      // No key id in the table or in a new envelope is a fingerprint of the secret.
      const fingerprint = sha256Hex(`kid:contact:${OLD}`).slice(0, 8);
      expect((await a.db.manager.find(EncryptionKey)).map((k) => k.kid)).not.toContain(fingerprint);
      expect(FieldCipher.kidOf(cipher.encrypt('x', 'y'))).not.toBe(fingerprint);
    } finally {
      await a.close();
    }
  });

  it('rotates to the new secret while the service serves requests, survives being killed half-way, and is audited', async () => {
    const b = await createTestApp({ databaseUrl, env: { APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD, SMTP_URL: smtp.url, PUBLIC_RATE_LIMIT: '0' } });
    const statuses: number[] = [];
    let serving = true;
    try {
      const { city } = await cityByCode(b, 'BKH');
      const ids = (await b.db.manager.query("SELECT id FROM complaints WHERE reference LIKE 'BKH-26-R%' ORDER BY id")).map((r: { id: number }) => Number(r.id));
      // Before the rotation the old secret is still read.
      const revealed = await b.http().post(`/api/v1/complaints/${ids[0]}/contact/reveal`).set(bearer(b.adminToken)).send({}).expect(200);
      expect(revealed.body.contact.phone).toBe(phoneOf(ids[0]));

      const load = (async () => {
        let n = 0;
        while (serving) {
          const id = ids[(n * 7919) % ids.length];
          const batch = await Promise.all([
            b.http().post('/api/v1/public/complaints').send({ cityId: city.id, category: 'other', description: `During rotation ${n}`, contact: { phone: `+992 91 ${n}` } }),
            b.http().post(`/api/v1/complaints/${id}/contact/reveal`).set(bearer(b.adminToken)).send({}),
            b.http().post('/api/v1/public/complaints/track').send(tracked),
          ]);
          for (const r of batch) statuses.push(r.status);
          const phone = batch[1].body?.contact?.phone;
          if (phone !== phoneOf(id)) statuses.push(-1);
          n++;
        }
      })();

      const env = { APP_SECRET: NEW, APP_SECRET_PREVIOUS: OLD };
      const first = rotateKeys(['--batch', '50'], env);
      await first.waitFor(/^contact: [1-9]\d*\/\d+$/m, 120_000);
      first.proc.kill('SIGKILL');
      const killed = await first.exited;
      expect(killed.signal).toBe('SIGKILL');
      const half = await b.db.manager.query(`SELECT COUNT(*) AS n FROM complaints WHERE contact_enc IS NOT NULL AND SUBSTR(contact_enc, 1, 12) = 'v1:' || SUBSTR(contact_enc, 4, 8) || ':'`);
      // Killed half-way: some fingerprint-format envelopes are left, some are gone.
      expect(Number(half[0].n)).toBeGreaterThan(0);
      expect(Number(half[0].n)).toBeLessThan(COMPLAINTS / 2);

      const second = rotateKeys(['--batch', '200'], env);
      const done = await second.exited;
      expect([done.code, second.stderr]).toEqual([0, '']);
      expect(second.stdout).toMatch(/^contact \(complaints\.contact_enc\): \d+ re-encrypted, 0 unreadable, 0 left$/m);
      expect(second.stdout).toMatch(/^response-link \(escalations\.token_enc\): \d+ re-encrypted, 0 unreadable, 0 left$/m);
      // Two stored data keys: tracking-code and telegram-chat.
      expect(second.stdout).toMatch(/^key-wrap \(encryption_keys\.key_enc\): 2 re-encrypted, 0 unreadable, 0 left$/m);
      expect(second.stdout).toMatch(/Done: everything is under the current secret .*Remove APP_SECRET_PREVIOUS and restart\./);

      serving = false;
      await load;
      expect(statuses.length).toBeGreaterThan(30);
      expect(statuses.filter((s) => s < 200 || s >= 300)).toEqual([]);

      const check = rotateKeys(['--check'], { APP_SECRET: NEW });
      expect((await check.exited).code).toBe(0);
      expect(check.stdout).toContain('Everything is under the current secret; APP_SECRET_PREVIOUS is not needed.');

      const audit = await b.db.manager.find(AuditEvent, { where: [{ action: 'keys.rotation_started' }, { action: 'keys.rotation_finished' }], order: { id: 'ASC' } });
      expect(audit.map((e) => e.action)).toEqual(['keys.rotation_started', 'keys.rotation_started', 'keys.rotation_finished']);
      expect(audit[2].details).toMatchObject({ complete: true, remaining: { contact: 0, 'response-link': 0, 'key-wrap': 0 } });
      const details = JSON.stringify(audit.map((e) => e.details));
      for (const secretOrData of [OLD, NEW, '+992']) expect(details).not.toContain(secretOrData);
    } finally {
      serving = false;
      await b.close();
    }
  }, 300_000);

  it('afterwards the old secret is not needed: with only the new one every contact, token and earlier tracking code works', async () => {
    const c = await createTestApp({ databaseUrl, env: { APP_SECRET: NEW, SMTP_URL: smtp.url, PUBLIC_RATE_LIMIT: '0' } });
    try {
      const rows: { id: number; reference: string; contact_enc: string }[] = await c.db.manager.query('SELECT id, reference, contact_enc FROM complaints WHERE contact_enc IS NOT NULL');
      expect(rows.length).toBeGreaterThan(COMPLAINTS);
      const ring = keyRingFor(c.config);
      const current = new Set(ring.currentSecretKids('contact'));
      const cipher = contactCipher(c.config);
      let seeded = 0;
      for (const r of rows) {
        expect(current.has(FieldCipher.kidOf(r.contact_enc)!)).toBe(true);
        const contact = JSON.parse(cipher.decrypt(r.contact_enc, contactAad(Number(r.id))));
        if (r.reference.startsWith('BKH-26-R')) {
          expect(contact.phone).toBe(phoneOf(Number(r.id)));
          seeded++;
        }
      }
      expect(seeded).toBe(COMPLAINTS);
      // The old secret really opens nothing any more (not only relabelled).
      const oldOnly = new KeyRing([OLD]);
      expect(() => oldOnly.cipher('contact').decrypt(rows[0].contact_enc, contactAad(Number(rows[0].id)))).toThrow(/not available/);
      // A service started on the old secret alone stops with a line saying what to do.
      const table = (await c.db.manager.find(EncryptionKey)) as never;
      expect(() => oldOnly.apply(table)).toThrow(/wrapped under a secret that is not configured: set APP_SECRET_PREVIOUS/);

      const tokens: { id: number; token_enc: string }[] = await c.db.manager.query('SELECT id, token_enc FROM escalations WHERE token_enc IS NOT NULL');
      expect(tokens.map((t) => Number(t.id)).sort()).toEqual([...escalationIds].sort());
      for (const t of tokens) expect(ring.cipher('response-link').decrypt(t.token_enc, tokenAad(Number(t.id)))).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // Over HTTP: a reveal of a contact written in the old format, and tracking with a code issued before.
      const legacyId = Number(rows.find((r) => r.reference.startsWith('BKH-26-R') && Number(r.id) % 2 === 0)!.id);
      const shown = await c.http().post(`/api/v1/complaints/${legacyId}/contact/reveal`).set(bearer(c.adminToken)).send({}).expect(200);
      expect(shown.body.contact.phone).toBe(phoneOf(legacyId));
      const track = await c.http().post('/api/v1/public/complaints/track').send(tracked).expect(200);
      expect(track.body.reference).toBe(tracked.reference);

      // The old secret's key ids are retired; the current secret's are not.
      const keys = await c.db.manager.find(EncryptionKey);
      for (const k of keys) {
        const ofNew = CIPHER_PURPOSES.some((p) => ring.currentSecretKids(p).includes(k.kid));
        if (k.checkValue) expect([k.purpose, ofNew, k.retiredAt !== null]).toEqual([k.purpose, ofNew, !ofNew]);
      }
    } finally {
      await c.close();
    }
  });

  it('every cipher purpose has a rotation target', () => {
    expect(CIPHER_PURPOSES.filter((p) => !ROTATION_TARGETS.some((t) => t.purpose === p))).toEqual([]);
  });
});
