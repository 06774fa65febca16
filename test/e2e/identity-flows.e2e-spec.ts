import Redis from 'ioredis';
import { AuditEvent } from '../../src/audit/audit-event.entity';
import { Complaint } from '../../src/complaints/complaint.entity';
import { ComplaintRetentionService } from '../../src/complaints/complaint-retention.service';
import { Escalation } from '../../src/escalations/escalation.entity';
import { MailSend } from '../../src/notifications/mail-send.entity';
import { OutboxRelay } from '../../src/queue/outbox-relay.service';
import { linkToken, givenComplaint } from '../support/escalation-fixtures';
import { bearer, seedFacility, seedFacilityAdmin, seedMember, SeededMember, STAFF_PASSWORD } from '../support/fixtures';
import { sleep, TestSmtp } from '../support/smtp';
import { createTestApp, TestApp, sweepsOf } from '../support/test-app';
import { webLogin } from '../support/web-client';

/**
 * Issue "identity goes only where the complainant allows": each test tries a leak an insider could
 * attempt, through the real HTTP API (and the page where there is one), and expects it to fail closed.
 */
const PHONE = '+992 93 555 17 42';
const EMAIL = 'nigora.canary@mail.test';
const OTHER = 'ask for Nigora at the bazaar';
const CONTACT = { phone: PHONE, email: EMAIL, other: OTHER };
const DESCRIPTION = 'Медсестра при всех сказала моему соседу, что у меня ВИЧ, и теперь вся махалля знает. Я боюсь приходить за терапией.';

describe('identity flows: escalation scope, disclosure, neutral summaries, dead links, facility steps, reveal', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let member: SeededMember;

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC <no-reply@kpac.test>' } });
    member = await seedMember(t, 'BKH');
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const neutral = 'A service user reports a breach of confidentiality at the clinic. The council asks the clinic to investigate.';
  const escalate = (complaintId: number, facilityId: number, token = member.token, summary = neutral) =>
    t.http().post(`/api/v1/complaints/${complaintId}/escalations`).set(bearer(token)).send({ facilityId, summary });

  /** Everything the relay and the workers would send, given time to do it. */
  async function settle(): Promise<void> {
    await t.app.get(OutboxRelay).relayAll();
    await sleep(1500);
  }

  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

  describe('escalation targets', () => {
    it('a member cannot escalate to another city or to the police: 404, nothing written, not a byte sent', async () => {
      const dushanbeAids = await seedFacility(t, 'DSH', { type: 'aids_centre', contactEmails: ['aids@dushanbe.test'] });
      const police = await seedFacility(t, 'BKH', { type: 'law_enforcement', contactEmails: ['police@bokhtar.test'] });
      const complaint = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: true, facilityId: police.id, category: 'police_interference' });
      for (const f of [dushanbeAids, police]) {
        const res = await escalate(complaint.id, f.id).expect(404);
        expect(res.body.message).toBe('Facility not found');
        // The draft (summary and disclosure preview) is refused the same way.
        await t.http().get(`/api/v1/complaints/${complaint.id}/escalations/draft?facilityId=${f.id}`).set(bearer(member.token)).expect(404);
      }
      expect(await t.db.manager.countBy(Escalation, { complaintId: complaint.id })).toBe(0);
      expect((await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).status).toBe('in_review');

      // The page offers neither, and posting the form by hand is the same 404.
      const web = await webLogin(t, member.email, STAFF_PASSWORD);
      const page = await web.get(`/staff/complaints/${complaint.id}`);
      const offered = page.text.match(/<select id="e-facility"[\s\S]*?<\/select>/)![0];
      expect(offered).not.toContain(dushanbeAids.name);
      expect(offered).not.toContain(police.name);
      const viaForm = await web.post(`/staff/complaints/${complaint.id}`, `/staff/complaints/${complaint.id}/escalate`, { facilityId: String(police.id), summary: neutral });
      expect(viaForm.status).toBe(404);

      await settle();
      expect(mailsTo('aids@dushanbe.test')).toHaveLength(0);
      expect(mailsTo('police@bokhtar.test')).toHaveLength(0);
    });

    it('an admin may escalate anywhere, but identity never goes to the police', async () => {
      // The complainant named the police and ticked "may know who I am"; an admin takes it there from another city's complaint too.
      const police = await seedFacility(t, 'DSH', { type: 'law_enforcement', contactEmails: ['police@dushanbe.test'] });
      const complaint = await givenComplaint(t, 'DSH', { contact: CONTACT, disclose: true, facilityId: police.id });
      const bokhtar = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: true });
      expect((await escalate(bokhtar.id, police.id, t.adminToken).expect(202)).body.identityDisclosed).toBe(false);
      const res = await escalate(complaint.id, police.id, t.adminToken).expect(202);
      expect(res.body.identityDisclosed).toBe(false);
      await smtp.waitFor(() => mailsTo('police@dushanbe.test').length === 2);
      for (const mail of mailsTo('police@dushanbe.test')) for (const secret of [PHONE, EMAIL, OTHER]) expect(mail.raw).not.toContain(secret);
    });
  });

  describe('disclosure', () => {
    it('identity goes only with consent, to the facility she named, not an authority; the member sees it first; audited', async () => {
      const clinic = await seedFacility(t, 'BKH', { type: 'aids_centre', language: 'en', contactEmails: ['named@clinic.test'] });
      const otherClinic = await seedFacility(t, 'BKH', { type: 'aids_centre', language: 'en', contactEmails: ['other@clinic.test'] });
      const authority = await seedFacility(t, 'BKH', { type: 'authority', language: 'en', contactEmails: ['health@bokhtar.test'] });
      const consented = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: true, facilityId: clinic.id });

      // Before sending, the draft says what will happen.
      const web = await webLogin(t, member.email, STAFF_PASSWORD);
      const identityLine = (html: string) => html.match(/<p class="[^"]*" id="e-identity">([^<]*)<\/p>/)![1];
      const toNamed = await web.get(`/staff/complaints/${consented.id}?escalateTo=${clinic.id}`);
      expect(identityLine(toNamed.text)).toContain(`«${clinic.name}» узнает, кто заявитель`);
      const toOther = await web.get(`/staff/complaints/${consented.id}?escalateTo=${otherClinic.id}`);
      expect(identityLine(toOther.text)).toContain(`«${otherClinic.name}» не узнает, кто заявитель`);
      const draftOther = await t.http().get(`/api/v1/complaints/${consented.id}/escalations/draft?facilityId=${otherClinic.id}`).set(bearer(member.token)).expect(200);
      expect(draftOther.body.identityDisclosed).toBe(false);

      const wrongFacility = await escalate(consented.id, otherClinic.id).expect(202);
      expect(wrongFacility.body.identityDisclosed).toBe(false);
      const named = await escalate(consented.id, clinic.id).expect(202);
      expect(named.body.identityDisclosed).toBe(true);
      const toAuthority = await escalate(consented.id, authority.id, t.adminToken).expect(202);
      expect(toAuthority.body.identityDisclosed).toBe(false);
      const noConsent = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: false, facilityId: clinic.id });
      expect((await escalate(noConsent.id, clinic.id).expect(202)).body.identityDisclosed).toBe(false);

      await smtp.waitFor(() => mailsTo('named@clinic.test').length === 2 && mailsTo('other@clinic.test').length === 1 && mailsTo('health@bokhtar.test').length === 1);
      const [consentedMail, noConsentMail] = [named.body.id, null].map((id) => (id ? smtp.byMessageId(`esc-${id}-initial`)[0] : mailsTo('named@clinic.test').find((m) => !m.messageId.includes(`esc-${named.body.id}-`))!));
      expect(consentedMail.text).toContain(PHONE);
      expect(consentedMail.text).toContain(EMAIL);
      for (const mail of [noConsentMail, ...mailsTo('other@clinic.test'), ...mailsTo('health@bokhtar.test')]) {
        for (const secret of [PHONE, EMAIL, OTHER]) expect(mail.raw).not.toContain(secret);
      }
      const audits = await t.db.manager.find(AuditEvent, { where: { action: 'escalation.create', entity: 'escalation' } });
      const byId = new Map(audits.map((a) => [Number(a.entityId), a.details]));
      expect(byId.get(named.body.id)).toMatchObject({ identityDisclosed: true });
      expect(byId.get(wrongFacility.body.id)).toMatchObject({ identityDisclosed: false });
    });

    it('the ladder never carries identity up: the authority above gets the case, not the person', async () => {
      const authority = await seedFacility(t, 'BKH', { type: 'authority', language: 'en', contactEmails: ['rung2@health.test'], slaDays: 5 });
      const site = await seedFacility(t, 'BKH', { type: 'ost_site', language: 'en', contactEmails: ['rung1@site.test'], slaDays: 2, parentId: authority.id });
      const complaint = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: true, facilityId: site.id });
      const res = await escalate(complaint.id, site.id).expect(202);
      expect(res.body.identityDisclosed).toBe(true);
      await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-initial`).length === 1);
      const token = linkToken(smtp.byMessageId(`esc-${res.body.id}-initial`)[0].text);

      t.clock.advanceDays(2.1);
      await sweepsOf(t).run();
      const rung2 = await t.db.manager.findOneByOrFail(Escalation, { parentEscalationId: res.body.id });
      expect(rung2).toMatchObject({ facilityId: authority.id, rung: 2, identityDisclosed: false });
      await smtp.waitFor(() => smtp.byMessageId(`esc-${rung2.id}-initial`).length === 1 && smtp.byMessageId(`esc-${res.body.id}-overdue`).length === 1);
      const upMail = smtp.byMessageId(`esc-${rung2.id}-initial`)[0];
      for (const secret of [PHONE, EMAIL, OTHER]) expect(upMail.raw).not.toContain(secret);
      // The rung below is superseded by the next one: its link is dead and its overdue mail carries none.
      expect(smtp.byMessageId(`esc-${res.body.id}-overdue`)[0].text).not.toContain('/respond/');
      const dead = await t.http().get(`/api/v1/escalations/link/${token}`).expect(410);
      expect(JSON.stringify(dead.body)).not.toContain(PHONE);
      t.clock.advanceDays(-2.1);
    });
  });

  describe('facility-safe summary', () => {
    it('is offered from a neutral template in the facility language, never from the complaint', async () => {
      const tgSite = await seedFacility(t, 'BKH', { type: 'aids_centre', language: 'tg', name: 'Маркази ВНМО Бохтар' });
      const complaint = await givenComplaint(t, 'BKH', { category: 'confidentiality_breach', description: DESCRIPTION, contact: CONTACT, facilityId: tgSite.id });
      const draft = await t.http().get(`/api/v1/complaints/${complaint.id}/escalations/draft?facilityId=${tgSite.id}`).set(bearer(member.token)).expect(200);
      expect(draft.body.language).toBe('tg');
      expect(draft.body.summary).toContain('Маркази ВНМО Бохтар');
      expect(draft.body.summary).toContain('махфӣ');
      expect(draft.body.summary).not.toContain('Медсестра');
      const web = await webLogin(t, member.email, STAFF_PASSWORD);
      const page = await web.get(`/staff/complaints/${complaint.id}?escalateTo=${tgSite.id}`);
      const textarea = page.text.match(/<textarea id="e-summary"[^>]*>([\s\S]*?)<\/textarea>/)![1];
      expect(textarea).toContain('Маркази ВНМО Бохтар');
      expect(textarea).not.toContain('Медсестра');
    });

    it('refuses (422) a summary that copies 40+ characters of the complaint or contains her contact, and the page says why', async () => {
      const site = await seedFacility(t, 'BKH', { type: 'aids_centre', language: 'ru' });
      const complaint = await givenComplaint(t, 'BKH', { category: 'confidentiality_breach', description: DESCRIPTION, contact: CONTACT });
      const copied = `Жалоба: ${DESCRIPTION.slice(0, 60)}`;
      const r1 = await escalate(complaint.id, site.id, member.token, copied).expect(422);
      expect(r1.body).toMatchObject({ field: 'summary', reason: 'copies_complaint' });
      expect(r1.body.message).toMatch(/complainant's own words/);
      // Re-wrapped and re-punctuated copying is still copying.
      const rewrapped = DESCRIPTION.slice(0, 70).replace(/ /g, '\n ').replace(/,/g, ' ;');
      await escalate(complaint.id, site.id, member.token, `Суть: ${rewrapped}`).expect(422);
      const withPhone = await escalate(complaint.id, site.id, member.token, 'A service user asks the clinic to call back on +992 93 555-17-42 about the disclosure.').expect(422);
      expect(withPhone.body).toMatchObject({ reason: 'contains_contact' });
      await escalate(complaint.id, site.id, member.token, `Please write to ${EMAIL.toUpperCase()} about the breach of confidentiality.`).expect(422);
      expect(await t.db.manager.countBy(Escalation, { complaintId: complaint.id })).toBe(0);

      const web = await webLogin(t, member.email, STAFF_PASSWORD);
      const page = await web.post(`/staff/complaints/${complaint.id}?escalateTo=${site.id}`, `/staff/complaints/${complaint.id}/escalate`, { facilityId: String(site.id), summary: copied });
      expect(page.status).toBe(422);
      expect(page.text).toContain('id="summary-error"');
      expect(page.text).toMatch(/повторяет слова заявителя|repeats the complainant/);
      // A short shared phrase is not copying.
      await escalate(complaint.id, site.id, member.token, 'Получатель услуг сообщает о раскрытии ВИЧ-статуса медсестрой. Совет просит провести проверку.').expect(202);
    });
  });

  describe('response links', () => {
    async function escalatedWithLink(opts: { consent?: boolean } = {}) {
      const site = await seedFacility(t, 'BKH', { type: 'aids_centre', language: 'en', contactEmails: [`site-${Date.now()}-${Math.random()}@links.test`] });
      const complaint = await givenComplaint(t, 'BKH', { contact: CONTACT, disclose: opts.consent ?? true, facilityId: site.id });
      const res = await escalate(complaint.id, site.id).expect(202);
      await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-initial`).length === 1);
      const token = linkToken(smtp.byMessageId(`esc-${res.body.id}-initial`)[0].text);
      return { site, complaint, escId: res.body.id as number, token };
    }

    async function expectDead(token: string, reference: string, siteName: string) {
      const api = await t.http().get(`/api/v1/escalations/link/${token}`).expect(410);
      expect(api.body.message).toBe('This link is no longer valid; please contact the council');
      const page = await t.http().get(`/respond/${token}`).expect(410);
      for (const text of [api.text, page.text]) {
        for (const secret of [PHONE, EMAIL, reference, siteName]) expect(text).not.toContain(secret);
      }
      expect(page.text).toMatch(/no longer valid|больше не действует|эътибор надорад/);
      await t.http().post('/api/v1/escalations/respond').send({ token, response: 'A late answer through a dead link.' }).expect(410);
    }

    it('dies when the escalation is answered through the account', async () => {
      const { site, complaint, escId, token } = await escalatedWithLink();
      // Live before: the consented contact is on the page.
      expect((await t.http().get(`/api/v1/escalations/link/${token}`).expect(200)).body.contact).toEqual(CONTACT);
      const fa = await seedFacilityAdmin(t, site.id);
      await t.http().post(`/api/v1/escalations/${escId}/response`).set(bearer(fa.token)).send({ response: 'We spoke to the nurse.' }).expect(200);
      await expectDead(token, complaint.reference, site.name);
    });

    it('dies when the complaint is resolved, or moved back to review (superseded)', async () => {
      const a = await escalatedWithLink();
      await t.http().post(`/api/v1/complaints/${a.complaint.id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_positive' }).expect(200);
      await expectDead(a.token, a.complaint.reference, a.site.name);
      const b = await escalatedWithLink();
      await t.http().post(`/api/v1/complaints/${b.complaint.id}/reopen`).set(bearer(member.token)).send({}).expect(200);
      await expectDead(b.token, b.complaint.reference, b.site.name);
      await sweepsOf(t).run();
      expect((await t.db.manager.findOneByOrFail(Escalation, { id: b.escId })).responseState).toBe('superseded');
      await expectDead(b.token, b.complaint.reference, b.site.name);
    });

    it('dies when the contact details are erased under the retention rule', async () => {
      const { site, complaint, token } = await escalatedWithLink();
      await t.http().post(`/api/v1/complaints/${complaint.id}/resolution`).set(bearer(member.token)).send({ outcome: 'resolved_positive' }).expect(200);
      t.clock.advanceDays(t.config.contactRetentionDays + 1);
      try {
        await t.app.get(ComplaintRetentionService).eraseExpiredContacts();
        expect((await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).contactErasedAt).not.toBeNull();
        await expectDead(token, complaint.reference, site.name);
      } finally {
        t.clock.advanceDays(-(t.config.contactRetentionDays + 1));
      }
    });
  });

  describe('facility admins see their facility steps only, and no server text anywhere', () => {
    it('hides council notices and other rungs; stores the SMTP reply as code and class', async () => {
      const site = await seedFacility(t, 'BKH', { type: 'ost_site', contactEmails: ['full@site.test'] });
      const complaint = await givenComplaint(t, 'BKH');
      smtp.rejectRecipients.add('full@site.test');
      smtp.rejectText = `Mailbox full; forward to ${member.email} please`;
      try {
        const res = await escalate(complaint.id, site.id).expect(202);
        await smtp.waitFor(() => smtp.byMessageId(`esc-${res.body.id}-council-failed`).length === 1);
        const fa = await seedFacilityAdmin(t, site.id);
        const asFacility = await t.http().get(`/api/v1/escalations/${res.body.id}`).set(bearer(fa.token)).expect(200);
        expect(asFacility.body.steps.map((s: { audience: string }) => s.audience)).toEqual(expect.arrayContaining(['facility']));
        expect(asFacility.body.steps.every((s: { audience: string }) => s.audience === 'facility')).toBe(true);
        const asMember = await t.http().get(`/api/v1/escalations/${res.body.id}`).set(bearer(member.token)).expect(200);
        expect(asMember.body.steps.some((s: { step: string }) => s.step === 'council-failed')).toBe(true);
        for (const body of [asFacility.body, asMember.body]) {
          const text = JSON.stringify(body);
          expect(text).not.toContain(member.email);
          expect(text).not.toContain('Mailbox full');
        }
        expect(asMember.body.lastError).toBe('initial: 550 rejected');
        const sends = await t.db.manager.find(MailSend, { where: { escalationId: res.body.id } });
        for (const s of sends) expect(s.lastError === null || /^[A-Z0-9_]+ (rejected|tempfail|connection)$/.test(s.lastError)).toBe(true);
        // Nor in Redis, where BullMQ keeps each failed job's reason.
        const redis = new Redis(process.env.TEST_REDIS_URL!);
        try {
          const keys = await redis.keys(`${t.config.queuePrefix}:mail:*`);
          for (const key of keys) {
            if ((await redis.type(key)) !== 'hash') continue;
            expect(JSON.stringify(await redis.hgetall(key))).not.toContain('Mailbox full');
          }
        } finally {
          redis.disconnect();
        }
      } finally {
        smtp.rejectRecipients.delete('full@site.test');
        smtp.rejectText = 'Mailbox unavailable';
      }
    });
  });

  describe('contact reveal', () => {
    it('needs the complainant’s mayContact; otherwise an admin only, with a written reason kept in the audit trail', async () => {
      const allowed = await givenComplaint(t, 'BKH', { contact: CONTACT, mayContact: true });
      const refused = await givenComplaint(t, 'BKH', { contact: CONTACT, mayContact: false });
      const reveal = (id: number, token: string, body: Record<string, unknown> = {}) =>
        t.http().post(`/api/v1/complaints/${id}/contact/reveal`).set(bearer(token)).send(body);

      expect((await reveal(allowed.id, member.token).expect(200)).body.contact).toEqual(CONTACT);
      const denied = await reveal(refused.id, member.token).expect(403);
      expect(JSON.stringify(denied.body)).not.toContain(PHONE);
      await reveal(refused.id, member.token, { reason: 'The member insists and has a long reason.' }).expect(403);
      expect((await reveal(refused.id, t.adminToken).expect(400)).body.message).toMatch(/reason is required/);
      await reveal(refused.id, t.adminToken, { reason: 'short' }).expect(400);
      const reason = 'Court summons: the complainant asked the hotline to be called back about a hearing date.';
      expect((await reveal(refused.id, t.adminToken, { reason }).expect(200)).body.contact).toEqual(CONTACT);
      const audit = await t.db.manager.find(AuditEvent, { where: { action: 'complaint.contact_reveal', entityId: String(refused.id) } });
      expect(audit).toHaveLength(1);
      expect(audit[0].details).toEqual({ mayContact: false, reason });

      // The page: no reveal button for the member, and posting it anyway is refused.
      const web = await webLogin(t, member.email, STAFF_PASSWORD);
      const page = await web.get(`/staff/complaints/${refused.id}`);
      expect(page.text).toContain('id="reveal-refused"');
      expect(page.text).not.toContain(`action="/staff/complaints/${refused.id}/contact"`);
      const forced = await web.post(`/staff/complaints/${refused.id}`, `/staff/complaints/${refused.id}/contact`, {});
      expect(forced.status).toBe(403);
      expect(forced.text).not.toContain(PHONE);
    });
  });
});
