import type { FastifyRequest } from 'fastify';

/** Languages of the web pages; the first is the order shown in the switch. */
export const WEB_LANGS = ['tg', 'ru', 'en'] as const;
export type WebLang = (typeof WEB_LANGS)[number];
export const DEFAULT_LANG: WebLang = 'ru';
export const LANG_COOKIE = 'lang';

/** BCP 47 locale used for dates and numbers. */
export const LOCALES: Record<WebLang, string> = { tg: 'tg', ru: 'ru', en: 'en-GB' };

const isLang = (v: unknown): v is WebLang => typeof v === 'string' && (WEB_LANGS as readonly string[]).includes(v);

/** The `lang` cookie set by the switch, then the browser's Accept-Language, then Russian. */
export function resolveLang(req: FastifyRequest): WebLang {
  const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.[LANG_COOKIE];
  if (isLang(cookie)) return cookie;
  const header = req.headers['accept-language'];
  if (typeof header === 'string') {
    const ranked = header
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
        return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1 };
      })
      .filter((x) => x.q > 0)
      .sort((a, b) => b.q - a.q);
    for (const { lang } of ranked) if (isLang(lang)) return lang;
  }
  return DEFAULT_LANG;
}

export function parseLang(value: unknown): WebLang | null {
  return isLang(value) ? value : null;
}

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A redirect target taken from the request (`next`): only a path on this site. It is parsed
 * against PUBLIC_URL and kept only if it stays on that origin; backslashes, control characters
 * (a tab makes `/\t/evil.example` a protocol-relative URL to browsers) and `//` prefixes are
 * refused outright. Anything else gives `fallback`. The answer is the parsed, percent-encoded path,
 * so it is always safe to put in a Location header.
 */
export function safeNext(value: unknown, fallback = '/', publicUrl = 'http://localhost'): string {
  if (typeof value !== 'string' || value.length > 2048) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || CONTROL.test(value)) return fallback;
  let base: URL;
  let target: URL;
  try {
    base = new URL(publicUrl);
    target = new URL(value, base);
  } catch {
    return fallback;
  }
  if (target.origin !== base.origin) return fallback;
  const path = target.pathname + target.search + target.hash;
  // Belt and braces: what the browser gets must itself read as a same-site path.
  return path.startsWith('/') && !path.startsWith('//') ? path : fallback;
}
