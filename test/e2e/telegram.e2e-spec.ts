import { Complaint } from '../../src/complaints/complaint.entity';
import { Feedback } from '../../src/complaints/feedback.entity';
import { TelegramSend } from '../../src/notifications/telegram-send.entity';
import { JobRegistry } from '../../src/queue/job-registry';
import { TelegramConversation } from '../../src/telegram/telegram-conversation.entity';
import { botText } from '../../src/telegram/telegram-texts';
import { chatKeyOf } from '../../src/telegram/telegram-crypto';
import tgMail from '../../src/notifications/templates/tg.json';
import ruMail from '../../src/notifications/templates/ru.json';
import { FakeTelegram } from '../support/fake-telegram';
import { button, Chat, databaseBytes, fileComplaint, redisText, resolveByStaff, until } from '../support/telegram-chat';
import { bearer, cityByCode, seedFacility } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';

const TOKEN = '123456:TEST-token-abcdefghijklmnopqrstuv';
const SECRET = 'wh-secret-0123456789abcdef';
const PATH = 'hook-0123456789abcdef';
/** Distinctive chat ids, so finding one in a file or a log means it leaked. */
const CHAT_TG = 731554990217;
const CHAT_RU = 684203117905;
const CHAT_OTHER = 592877310446;

describe('Telegram bot (issue 15)', () => {
  let fake: FakeTelegram;
  beforeAll(async () => {
    fake = new FakeTelegram();
    await fake.start();
  });
  afterAll(() => fake.stop());

  it('without TELEGRAM_BOT_TOKEN there is no bot, start-up says so in one line, and the webhook route is 404', async () => {
    const t = await createTestApp();
    try {
      // Nest buffers its own start-up lines until listen(); the test never listens.
      t.app.flushLogs();
      expect(t.logs.text().match(/Telegram bot off: TELEGRAM_BOT_TOKEN is not set/g)).toHaveLength(1);
      expect((await t.http().post(`/telegram/${PATH}`).set('X-Telegram-Bot-Api-Secret-Token', SECRET).send(fake.message(CHAT_OTHER, '/start'))).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  describe('webhook mode, in Tajik', () => {
    let t: TestApp;
    let chat: Chat;
    let cityId: number;
    let facilityId: number;
    beforeAll(async () => {
      t = await createTestApp({
        env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_WEBHOOK_PATH: PATH, TELEGRAM_API_ROOT: fake.url, PUBLIC_RATE_LIMIT: '0' },
      });
      cityId = (await cityByCode(t, 'BKH')).city.id;
      facilityId = (await seedFacility(t, 'BKH', { name: 'Пункти ЗТ Бохтар' })).id;
      chat = new Chat(fake, CHAT_TG, async (update) => {
        const res = await t.http().post(`/telegram/${PATH}`).set('X-Telegram-Bot-Api-Secret-Token', SECRET).send(update);
        expect(res.status).toBe(200);
      });
    });
    afterAll(() => t.close());

    it('refuses a wrong path (404) and a missing or wrong secret token (401)', async () => {
      const update = fake.message(CHAT_OTHER, '/start');
      expect((await t.http().post('/telegram/not-the-path-0123456789').set('X-Telegram-Bot-Api-Secret-Token', SECRET).send(update)).status).toBe(404);
      expect((await t.http().post(`/telegram/${PATH}`).send(update)).status).toBe(401);
      expect((await t.http().post(`/telegram/${PATH}`).set('X-Telegram-Bot-Api-Secret-Token', 'wrong-secret-0123456789ab').send(update)).status).toBe(401);
      expect(fake.to(CHAT_OTHER)).toEqual([]);
    });

    it('files a complaint, tells of news once after the council acts, shows the status, takes the confirmation, and forgets the chat', async () => {
      const { reference, code } = await fileComplaint(chat, 'tg', cityId, facilityId, true);
      const complaint = await t.db.manager.findOneByOrFail(Complaint, { reference });
      expect(complaint).toMatchObject({ channel: 'telegram', cityId, facilityId, category: 'waiting_time', gender: 'female', mayContact: true, discloseIdentityToFacility: false, notifyLanguage: 'tg' });
      expect(complaint.contactEnc).toMatch(/^v1:/);
      expect(complaint.notifyChatEnc).toMatch(/^v1:/);
      // Nothing of the complaint stays in the conversation once it is filed.
      const conversation = await t.db.manager.findOneByOrFail(TelegramConversation, { chatKey: complaint.notifyChatKey! });
      expect(conversation.stateEnc).toBeNull();

      // The same code opens it on the web.
      const web = await t.http().post('/api/v1/public/complaints/track').send({ reference, trackingCode: code });
      expect(web.status).toBe(200);

      await resolveByStaff(t, reference, 'Соатҳои корӣ дароз карда шуданд.');
      const news = (tgMail as Record<string, string>).telegram_news.replace('{reference}', reference);
      await until(() => fake.to(CHAT_TG).some((m) => m.text === news), 'the news message');
      // Two events (accepted, resolved): one message each, neutral — no facility, category or outcome words.
      await until(async () => (await t.db.manager.countBy(TelegramSend, { complaintId: complaint.id, state: 'sent' })) === 2, 'both sends');
      expect(fake.to(CHAT_TG).filter((m) => m.text === news)).toHaveLength(2);
      for (const m of fake.to(CHAT_TG).filter((x) => x.text === news)) expect(m.text).not.toMatch(/Бохтар|интизорӣ|ЗТ|ҳал/);
      // A retried job sends nothing again.
      const sends = await t.db.manager.findBy(TelegramSend, { complaintId: complaint.id });
      for (const s of sends) expect(await t.app.get(JobRegistry).get('telegram.send')!({ telegramSendId: s.id })).toBe('skipped');
      expect(fake.to(CHAT_TG).filter((m) => m.text === news)).toHaveLength(2);

      let m = await chat.say('/status');
      expect(m[0].text).toBe(botText('tg', 'ask_reference'));
      // Typed leniently: lower case, a Cyrillic look-alike, spaces.
      m = await chat.say(reference.toLowerCase().replace(/-/g, ' '));
      expect(m[0].text).toBe(botText('tg', 'ask_code'));
      m = await chat.say(code.toLowerCase());
      expect(m[0].text).toContain(botText('tg', 'status_view', { reference, status: botText('tg', 'status.resolved') }));
      expect(m[0].text).toContain('Соатҳои корӣ дароз карда шуданд.');
      m = await chat.press(button(m, 'confirm:yes'));
      expect(m[0].text).toBe(botText('tg', 'confirm_thanks'));
      expect((await t.db.manager.findOneByOrFail(Complaint, { reference })).complainantVerified).toBe(true);

      m = await chat.say('/rate');
      m = await chat.press(button(m, `city:${cityId}`));
      m = await chat.press(button(m, `fac:${facilityId}`));
      for (let i = 0; i < 5; i++) m = await chat.press(button(m, `r:${i === 4 ? 2 : 4}`));
      expect(m[0].text).toBe(botText('tg', 'rate_thanks'));
      expect(await t.db.manager.findOneByOrFail(Feedback, { facilityId })).toMatchObject({ waitingTime: 4, overall: 2 });

      m = await chat.say('/forget');
      expect(m[0].text).toBe(botText('tg', 'forgotten'));
      const after = await t.db.manager.findOneByOrFail(Complaint, { reference });
      expect(after).toMatchObject({ notifyChatEnc: null, notifyChatKey: null, notifyLanguage: null });
      expect(await t.db.manager.countBy(TelegramConversation, { chatKey: complaint.notifyChatKey! })).toBe(0);

      // The chat id is nowhere in clear: not in the database file, the logs or Redis.
      const id = String(CHAT_TG);
      expect(databaseBytes(t)).not.toContain(id);
      expect(t.logs.text()).not.toContain(id);
      expect(await redisText(t)).not.toContain(id);
      // Nor what the person wrote.
      expect(t.logs.text()).not.toContain('навбат');
    });

    it('erases the chat to notify with the contact details under the retention rule, even without other contact', async () => {
      const other = new Chat(fake, CHAT_OTHER + 1, chat.deliver);
      const { reference } = await fileComplaint(other, 'tg', cityId, facilityId, true, false);
      const filed = await t.db.manager.findOneByOrFail(Complaint, { reference });
      expect(filed.contactEnc).toBeNull();
      expect(filed.notifyChatEnc).toMatch(/^v1:/);
      await resolveByStaff(t, reference, 'Ҳал шуд.');
      t.clock.advanceDays(t.config.contactRetentionDays + 1);
      await t.app.get(JobRegistry).get('retention.sweep')!({});
      expect(await t.db.manager.findOneByOrFail(Complaint, { reference })).toMatchObject({ notifyChatEnc: null, notifyChatKey: null, notifyLanguage: null });
    });

    it('forgets an unfinished complaint after 30 idle minutes', async () => {
      await chat.say('/start');
      await chat.press('lang:tg');
      let m = await chat.say('/new');
      m = await chat.press(button(m, `city:${cityId}`));
      t.clock.advanceMs(31 * 60_000);
      m = await chat.press(`fac:${facilityId}`);
      expect(m[0].text).toBe(botText('tg', 'expired'));
      // The periodic purge deletes idle conversations only.
      const mine = { chatKey: chatKeyOf(t.config, CHAT_TG) };
      await t.app.get(JobRegistry).get('telegram.purge')!({});
      expect(await t.db.manager.countBy(TelegramConversation, mine)).toBe(1);
      t.clock.advanceMs(31 * 60_000);
      await t.app.get(JobRegistry).get('telegram.purge')!({});
      expect(await t.db.manager.countBy(TelegramConversation, mine)).toBe(0);
    });
  });

  describe('polling mode, in Russian', () => {
    let t: TestApp;
    let chat: Chat;
    let cityId: number;
    let facilityId: number;
    beforeAll(async () => {
      t = await createTestApp({ env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: fake.url, PUBLIC_RATE_LIMIT: '0' } });
      cityId = (await cityByCode(t, 'BKH')).city.id;
      facilityId = (await seedFacility(t, 'BKH', { name: 'Центр СПИД Бохтар' })).id;
      chat = new Chat(fake, CHAT_RU, async (update) => fake.push(update));
    });
    afterAll(() => t.close());

    it('files a complaint, retries the news after a Telegram error, and erases the chat when Telegram answers 403', async () => {
      const { reference, code } = await fileComplaint(chat, 'ru', cityId, facilityId, true);
      const complaint = await t.db.manager.findOneByOrFail(Complaint, { reference });
      expect(complaint.channel).toBe('telegram');

      const news = (ruMail as Record<string, string>).telegram_news.replace('{reference}', reference);
      fake.failNext = 1;
      const triage = await t.http().post(`/api/v1/complaints/${complaint.id}/triage`).set(bearer(t.adminToken)).send({ decision: 'accept' });
      expect(triage.status).toBe(200);
      await until(() => fake.to(CHAT_RU).some((m) => m.text === news), 'the news after a retry');
      expect(fake.to(CHAT_RU).filter((m) => m.text === news)).toHaveLength(1);

      let m = await chat.say('/status');
      m = await chat.say(reference);
      m = await chat.say(code);
      expect(m[0].text).toBe(botText('ru', 'status_view', { reference, status: botText('ru', 'status.in_review') }));

      // The person blocks the bot: the next news gets 403 and the chat is erased.
      fake.blocked.add(CHAT_RU);
      const resolve = await t.http().post(`/api/v1/complaints/${complaint.id}/resolution`).set(bearer(t.adminToken)).send({ outcome: 'resolved_positive' });
      expect(resolve.status).toBe(200);
      await until(async () => (await t.db.manager.countBy(TelegramSend, { complaintId: complaint.id, state: 'failed', lastError: 'BLOCKED' })) === 1, 'the 403');
      expect(await t.db.manager.findOneByOrFail(Complaint, { id: complaint.id })).toMatchObject({ notifyChatEnc: null, notifyChatKey: null });
      fake.blocked.delete(CHAT_RU);

      const id = String(CHAT_RU);
      expect(databaseBytes(t)).not.toContain(id);
      expect(t.logs.text()).not.toContain(id);
      expect(await redisText(t)).not.toContain(id);
    });

    it('stops answering a chat that sends too fast, saying so once', async () => {
      const other = new Chat(fake, CHAT_OTHER, async (update) => fake.push(update));
      await other.say('/start');
      // 30 a minute by default: the 31st update is told to slow down, the 32nd gets nothing.
      for (let i = 0; i < 31; i++) fake.push(fake.message(CHAT_OTHER, '/help'));
      await until(() => fake.to(CHAT_OTHER).some((m) => m.text === botText('ru', 'rate_limited')), 'the rate limit');
      await new Promise((r) => setTimeout(r, 800));
      const texts = fake.to(CHAT_OTHER).map((m) => m.text);
      expect(texts.filter((x) => x === botText('ru', 'rate_limited'))).toHaveLength(1);
      expect(texts.at(-1)).toBe(botText('ru', 'rate_limited'));
    });
  });

});
