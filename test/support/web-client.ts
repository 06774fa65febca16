import type { Response } from 'supertest';
import type { TestApp } from './test-app';
import { totpAt } from './two-factor';

/** A tiny cookie jar for supertest: keeps name=value pairs from Set-Cookie. */
export class Jar {
  private cookies = new Map<string, string>();
  /** Every Set-Cookie line seen, whole (attributes included). */
  readonly seen: string[] = [];
  take<T extends { headers: Record<string, unknown> }>(res: T): T {
    const set = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
    for (const c of set) {
      this.seen.push(c);
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /Max-Age=0|Expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  values(): Map<string, string> {
    return new Map(this.cookies);
  }
}

/** Anything that keeps cookies between requests like `Jar`. */
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


/** A staff member logged in through the login page; `get`/`post` carry the session and a fresh CSRF token. */
export async function webLogin(t: TestApp, email: string, password: string) {
  const jar = new Jar();
  const page = jar.take(await t.http().get('/login'));
  const first = jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password, _csrf: csrfOf(page.text) }));
  const res = await completeWebLogin(t, jar, email, first);
  if (res.status !== 303 && res.status !== 200) throw new Error(`web login of ${email} failed: ${res.status}`);
  const get = async (path: string) => jar.take(await t.http().get(path).set('cookie', jar.header()));
  return {
    jar,
    get,
    /** Posts a form from `formPath` (for its CSRF token) to `action`. */
    post: async (formPath: string, action: string, body: Record<string, string>) => {
      const form = await get(formPath);
      return jar.take(await t.http().post(action).set('cookie', jar.header()).type('form').send({ ...body, _csrf: csrfOf(form.text) }));
    },
  };
}

/** The text of a done page's code (`reference`, `tracking-code`): its groups are separate spans, joined here. */
export function codeOn(html: string, id: string): string {
  const m = new RegExp(`id="${id}">((?:<span class="grp">[^<]*</span><wbr>)+)</span>`).exec(html);
  if (!m) throw new Error(`no code #${id} on the page`);
  return m[1].replace(/<[^>]+>/g, '');
}
