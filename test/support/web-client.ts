import type { TestApp } from './test-app';

/** A tiny cookie jar for supertest: keeps name=value pairs from Set-Cookie. */
export class Jar {
  private cookies = new Map<string, string>();
  take<T extends { headers: Record<string, unknown> }>(res: T): T {
    const set = ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
    for (const c of set) {
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
}

export const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];

/** A staff member logged in through the login page; `get`/`post` carry the session and a fresh CSRF token. */
export async function webLogin(t: TestApp, email: string, password: string) {
  const jar = new Jar();
  const page = jar.take(await t.http().get('/login'));
  const res = jar.take(await t.http().post('/login').set('cookie', jar.header()).type('form').send({ email, password, _csrf: csrfOf(page.text) }));
  if (res.status !== 303) throw new Error(`web login of ${email} failed: ${res.status}`);
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
