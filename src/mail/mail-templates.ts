import { Injectable } from '@nestjs/common';
import type { Language } from '../facilities/facility.constants';
import en from './templates/en.json';
import ru from './templates/ru.json';
import tg from './templates/tg.json';

export type TemplateKey = keyof typeof en;
const CATALOGUES: Record<Language, Record<TemplateKey, string>> = { en, ru, tg };

/** Council notices have no language of their own; Russian is the councils' working language. */
export const COUNCIL_LANGUAGE: Language = 'ru';

/** Mail strings in tg, ru and en (same keys in each file); `{name}` placeholders. */
@Injectable()
export class MailTemplates {
  text(lang: Language, key: TemplateKey, vars: Record<string, string | number> = {}): string {
    const catalogue = CATALOGUES[lang] ?? CATALOGUES.en;
    const template = catalogue[key] ?? CATALOGUES.en[key];
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  }

  has(lang: Language, key: string): key is TemplateKey {
    return key in (CATALOGUES[lang] ?? {});
  }
}
