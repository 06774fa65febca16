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

/** Only same-site relative paths may be redirect targets (no open redirect through `next`). */
export function safeNext(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}
