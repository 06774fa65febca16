import type { Response } from 'supertest';
import type { TestApp } from './test-app';
import { totpAt } from './two-factor';

/** The cookie jars of the page tests. */
export interface CookieJar {
  take<T extends { headers: Record<string, unknown> }>(res: T): T;
  header(): string;
}

export const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];
const hidden = (html: string, name: string) => html.match(new RegExp(`name="${name}" value="([^"]*)"`))?.[1] ?? '';

/**
 * After the password form: if the page asks for the second step, answers it as a person with an
 * authenticator app would — the current code of an enrolled account, or, on the set-up page, the
 * first code from the key shown there (remembered for the account's later logins).
 * Returns the last answer: a 303 into the staff pages, or (after setting one up) the page of recovery codes.
 */
export async function completeWebLogin(t: TestApp, jar: CookieJar, email: string, res: Response): Promise<Response> {
  if (res.status !== 200 || !/name="challenge"/.test(res.text)) return res;
  const form = { _csrf: csrfOf(res.text), challenge: hidden(res.text, 'challenge'), next: hidden(res.text, 'next') };
  if (/action="\/login\/code"/.test(res.text)) {
    return jar.take(await t.http().post('/login/code').set('cookie', jar.header()).type('form').send({ ...form, otp: await t.otp(email) }));
  }
  const secret = res.text.match(/id="totp-secret">([^<]+)</)![1].replace(/\s+/g, '');
  const done = jar.take(await t.http().post('/login/enrol').set('cookie', jar.header()).type('form').send({ ...form, otp: totpAt(secret, t.clock.now()) }));
  const recoveryCodes = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
  if (done.status === 200) t.remember(email, { secret, recoveryCodes });
  return done;
}
