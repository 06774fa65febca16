/**
 * A calendar date as a reader of mail writes it: "12 декабря 2026 г.", "12 декабри 2026",
 * "12 December 2026". Node's ICU has no Tajik genitive month forms ("12 Декабр 2026"), so Tajik
 * uses its own table; Russian and English come from Intl.
 */
export type MailLanguage = 'tg' | 'ru' | 'en';

const TG_MONTHS = ['январи', 'феврали', 'марти', 'апрели', 'майи', 'июни', 'июли', 'августи', 'сентябри', 'октябри', 'ноябри', 'декабри'];

const formats: Partial<Record<MailLanguage, Intl.DateTimeFormat>> = {};
const INTL_LOCALE: Record<Exclude<MailLanguage, 'tg'>, string> = { ru: 'ru-RU', en: 'en-GB' };

/** `day` is 'YYYY-MM-DD'. */
export function longDate(day: string, lang: MailLanguage): string {
  const [y, m, d] = day.split('-').map(Number);
  if (lang === 'tg') return `${d} ${TG_MONTHS[m - 1]} ${y}`;
  const fmt = (formats[lang] ??= new Intl.DateTimeFormat(INTL_LOCALE[lang], { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }));
  return fmt.format(new Date(Date.UTC(y, m - 1, d)));
}
