import en from './texts/en.json';
import ru from './texts/ru.json';
import tg from './texts/tg.json';

export const BOT_LANGUAGES = ['tg', 'ru', 'en'] as const;
export type BotLanguage = (typeof BOT_LANGUAGES)[number];

export const isBotLanguage = (v: unknown): v is BotLanguage => (BOT_LANGUAGES as readonly unknown[]).includes(v);

const CATALOGUES: Record<BotLanguage, unknown> = { tg, ru, en };

/** A word of the bot in one language: `key` may be dotted (`category.waiting_time`); `{name}` placeholders. */
export function botText(lang: BotLanguage, key: string, vars: Record<string, string | number> = {}): string {
  const find = (catalogue: unknown) => key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), catalogue);
  const template = find(CATALOGUES[lang]) ?? find(CATALOGUES.en);
  if (typeof template !== 'string') throw new Error(`Telegram text ${key} is missing`);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** One inline button: its label and the callback data the bot gets back (≤ 64 bytes). */
export interface Button {
  text: string;
  data: string;
}

/** What the bot answers to one update: messages in order, each with an optional inline keyboard. */
export interface Reply {
  text: string;
  buttons?: Button[][];
}

/** Buttons laid out `perRow` to a row. */
export function rows(buttons: Button[], perRow = 2): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) out.push(buttons.slice(i, i + perRow));
  return out;
}
