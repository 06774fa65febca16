import { Injectable } from '@nestjs/common';
import { longDate } from '../common/long-date';
import type { Language } from '../facilities/facility.constants';
import type { OutgoingMail } from './mail-transport.service';
import type { MailStep } from './notification-steps';
import en from './templates/en.json';
import ru from './templates/ru.json';
import tg from './templates/tg.json';

export type TemplateKey = keyof typeof en;
const CATALOGUES: Record<Language, Record<TemplateKey, string>> = { en, ru, tg };

/**
 * The usual language of each council city, for members who chose none: Tajik in Bokhtar and
 * Kulob, Russian in the capital and in Khujand (where the working language is Russian rather
 * than Tajik). Unknown cities: Russian.
 */
const CITY_LANGUAGE: Record<string, Language> = { BKH: 'tg', KLB: 'tg', DSH: 'ru', KHJ: 'ru' };
export const cityLanguage = (code: string | null | undefined): Language => CITY_LANGUAGE[code ?? ''] ?? 'ru';

/** The subject and body template of every step (the compiler checks each step has both). */
const STEP_TEMPLATES: Record<MailStep, [TemplateKey, TemplateKey]> = {
  initial: ['escalation_initial_subject', 'escalation_initial_body'],
  reminder1: ['escalation_reminder1_subject', 'escalation_reminder1_body'],
  reminder2: ['escalation_reminder2_subject', 'escalation_reminder2_body'],
  overdue: ['escalation_overdue_subject', 'escalation_overdue_body'],
  'council-responded': ['council_responded_subject', 'council_responded_body'],
  'council-overdue': ['council_overdue_subject', 'council_overdue_body'],
  'council-failed': ['council_failed_subject', 'council_failed_body'],
  ends60: ['council_ends60_subject', 'council_ends60_body'],
  ends30: ['council_ends30_subject', 'council_ends30_body'],
  vacancy: ['council_vacancy_subject', 'council_vacancy_body'],
};

export type MailVars = Record<string, string | number>;

/** Mail strings in tg, ru and en (same keys in each file); `{name}` placeholders. */
@Injectable()
export class MailTemplates {
  text(lang: Language, key: TemplateKey, vars: MailVars = {}): string {
    const catalogue = CATALOGUES[lang] ?? CATALOGUES.en;
    const template = catalogue[key] ?? CATALOGUES.en[key];
    // A value ending in a full stop ("12 декабря 2026 г.") swallows the template's own one.
    return template.replace(/\{(\w+)\}(\.?)/g, (whole, name: string, dot: string) => {
      if (!(name in vars)) return whole;
      const value = String(vars[name]);
      return dot && value.endsWith('.') ? value : value + dot;
    });
  }

  /** A city's name in the reader's language and script (the stored name is Latin). */
  cityName(lang: Language, city: { code: string; name: string }): string {
    const key = `city_${city.code}`;
    const catalogue = (CATALOGUES[lang] ?? CATALOGUES.en) as Record<string, string>;
    return catalogue[key] ?? city.name;
  }

  /** A calendar date ('YYYY-MM-DD') as the reader writes it. */
  date(lang: Language, day: string): string {
    return longDate(day, lang);
  }

  /** The message of one step, in one language, to these recipients. */
  mail(lang: Language, send: { step: MailStep; messageId: string }, to: string[], vars: MailVars): OutgoingMail {
    const [subject, body] = STEP_TEMPLATES[send.step];
    // An empty part (no ladder line, no link) leaves no trailing space or run of blank lines.
    const text = this.text(lang, body, vars).replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
    return { to, subject: this.text(lang, subject, vars).trim(), text, messageId: send.messageId };
  }
}
