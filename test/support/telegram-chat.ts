/** Driving the Telegram bot in tests: a person's chat over the fake Bot API, and leak checks. */
import { existsSync, readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Complaint } from '../../src/complaints/complaint.entity';
import { botText } from '../../src/telegram/telegram-texts';
import { FakeTelegram, SentMessage } from './fake-telegram';
import { bearer } from './fixtures';
import type { TestApp } from './test-app';

export async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One person's chat with the bot: what they send, and what the bot answered to it. */
export class Chat {
  constructor(
    private readonly fake: FakeTelegram,
    readonly id: number,
    readonly deliver: (update: Record<string, unknown>) => Promise<void>,
  ) {}

  say(text: string): Promise<SentMessage[]> {
    return this.send(this.fake.message(this.id, text));
  }

  press(data: string): Promise<SentMessage[]> {
    return this.send(this.fake.press(this.id, data));
  }

  private async send(update: Record<string, unknown>): Promise<SentMessage[]> {
    const before = this.fake.to(this.id).length;
    await this.deliver(update);
    // Polling: the answers arrive after the update is fetched; wait until they stop coming.
    await until(() => this.fake.to(this.id).length > before, 'the bot to answer');
    let count = -1;
    while (count !== this.fake.to(this.id).length) {
      count = this.fake.to(this.id).length;
      await new Promise((r) => setTimeout(r, 150));
    }
    return this.fake.to(this.id).slice(before);
  }
}

export const button = (msgs: SentMessage[], data: string) => {
  const found = msgs.flatMap((m) => m.buttons).find((b) => b.data === data);
  if (!found) throw new Error(`no button ${data} in ${JSON.stringify(msgs.map((m) => m.buttons.map((b) => b.data)))}`);
  return found.data;
};

/** A whole complaint through the bot; answers the reference and code it was given. */
export async function fileComplaint(chat: Chat, lang: 'tg' | 'ru', cityId: number, facilityId: number, notify: boolean, contact = true) {
  let m = await chat.say('/start');
  m = await chat.press(button(m, `lang:${lang}`));
  expect(m.map((x) => x.text)).toEqual([botText(lang, 'welcome'), botText(lang, 'privacy'), botText(lang, 'menu')]);
  m = await chat.press(button(m, 'menu:new'));
  expect(m[0].text).toBe(botText(lang, 'ask_city'));
  m = await chat.press(button(m, `city:${cityId}`));
  m = await chat.press(button(m, `fac:${facilityId}`));
  m = await chat.press(button(m, 'cat:waiting_time'));
  expect(m[0].text).toBe(botText(lang, 'ask_description'));
  // Too short for the public form's rule: asked again with the reason.
  m = await chat.say('a');
  expect(m[0].text).toBe(botText(lang, 'invalid_description'));
  m = await chat.say(lang === 'tg' ? 'Ман се соат дар навбат истодам ва дору нагирифтам.' : 'Я три часа ждал в очереди и не получил препарат.');
  m = await chat.press(button(m, 'skip'));
  m = await chat.press(button(m, 'g:female'));
  m = await chat.press(button(m, 'skip'));
  expect(m[0].text).toBe(botText(lang, 'ask_contact'));
  if (contact) {
    m = await chat.say('+992 90 123 4567');
    expect(m[0].text).toBe(botText(lang, 'ask_may_contact'));
    m = await chat.press('yes');
    expect(m[0].text).toBe(botText(lang, 'ask_disclose'));
    m = await chat.press('no');
  } else {
    m = await chat.press('skip');
  }
  expect(m[0].text).toBe(botText(lang, 'ask_notify'));
  m = await chat.press(notify ? 'yes' : 'no');
  const reference = /[A-Z]{3}-\d{2}-\d{4,6}/.exec(m[0].text)?.[0];
  const code = /[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(m[0].text)?.[0];
  expect(reference).toBeDefined();
  expect(code).toBeDefined();
  if (notify) expect(m[1].text).toBe(botText(lang, 'notify_on'));
  return { reference: reference!, code: code! };
}

/** Everything in this test app's Redis keys, as text. */
export async function redisText(t: TestApp): Promise<string> {
  const redis = new Redis(process.env.TEST_REDIS_URL!);
  try {
    const keys = await redis.keys(`${t.config.queuePrefix}*`);
    const parts: string[] = [...keys];
    for (const key of keys) {
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

export function databaseBytes(t: TestApp): string {
  if (t.config.database.type !== 'sqlite') return '';
  const path = t.config.database.path;
  return ['', '-wal'].map((s) => (existsSync(path + s) ? readFileSync(path + s).toString('latin1') : '')).join('');
}

export async function resolveByStaff(t: TestApp, reference: string, publicNote: string): Promise<void> {
  const c = await t.db.manager.findOneByOrFail(Complaint, { reference });
  const triage = await t.http().post(`/api/v1/complaints/${c.id}/triage`).set(bearer(t.adminToken)).send({ decision: 'accept' });
  expect(triage.status).toBe(200);
  const resolve = await t.http().post(`/api/v1/complaints/${c.id}/resolution`).set(bearer(t.adminToken)).send({ outcome: 'resolved_positive', publicNote });
  expect(resolve.status).toBe(200);
}
