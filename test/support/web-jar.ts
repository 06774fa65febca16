/** A tiny cookie jar for supertest: keeps name=value pairs from Set-Cookie, with their attributes. */
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
  values(): Map<string, string> {
    return new Map(this.cookies);
  }
}

export const csrfOf = (html: string) => html.match(/name="_csrf" value="([^"]+)"/)![1];
