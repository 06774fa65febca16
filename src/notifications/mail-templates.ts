import { Injectable } from '@nestjs/common';
import type { Language } from '../facilities/facility.constants';
import type { OutgoingMail } from './mail-transport.service';
import type { MailStep } from './notification-steps';
import en from './templates/en.json';
import ru from './templates/ru.json';
import tg from './templates/tg.json';

export type TemplateKey = keyof typeof en;
const CATALOGUES: Record<Language, Record<TemplateKey, string>> = { en, ru, tg };

/** Council notices have no language of their own; Russian is the councils' working language. */
export const COUNCIL_LANGUAGE: Language = 'ru';

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
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  }

  /** The message of one step, in one language, to these recipients. */
  mail(lang: Language, send: { step: MailStep; messageId: string }, to: string[], vars: MailVars): OutgoingMail {
    const [subject, body] = STEP_TEMPLATES[send.step];
    return { to, subject: this.text(lang, subject, vars), text: this.text(lang, body, vars), messageId: send.messageId };
  }
}
