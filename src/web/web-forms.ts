import { AGE_GROUPS, CATEGORIES, GENDERS, KEY_POPULATIONS, RESPONSIBLE_PARTY_TYPES } from '../complaints/complaint.constants';
import type { FieldErrors } from './web-errors';

/** Form bodies arrive as strings, or arrays of strings for repeated names; these helpers read them safely. */

export function formString(v: unknown): string {
  if (Array.isArray(v)) return formString(v[0]);
  return typeof v === 'string' ? v : '';
}

export function formOptional(v: unknown): string | undefined {
  const s = formString(v).trim();
  return s === '' ? undefined : s;
}

export function formList(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

export function formInt(v: unknown): number | undefined {
  const s = formString(v).trim();
  return /^\d{1,9}$/.test(s) ? Number(s) : undefined;
}

/** A calendar date 'YYYY-MM-DD' as a date input sends it, or undefined. */
export function formDay(v: unknown): string | undefined {
  const s = formString(v);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s : undefined;
}

export function formBool(v: unknown): boolean {
  const s = formString(v);
  return s === 'on' || s === 'true' || s === '1' || s === 'yes';
}

/** The fields the public complaint form and staff intake share, as the form sent them (kept for re-rendering). */
export function complaintFormValues(body: Record<string, unknown>) {
  return {
    cityId: formString(body.cityId),
    facilityId: formString(body.facilityId),
    category: formString(body.category),
    description: formString(body.description),
    desiredOutcome: formString(body.desiredOutcome),
    incidentDate: formString(body.incidentDate),
    responsiblePartyType: formString(body.responsiblePartyType),
    keyPopulations: formList(body.keyPopulations),
    gender: formString(body.gender),
    ageGroup: formString(body.ageGroup),
    phone: formString(body.phone),
    email: formString(body.email),
    otherContact: formString(body.otherContact),
    mayContact: formBool(body.mayContact),
    disclose: formBool(body.disclose),
  };
}

/** Those values shaped as the API's complaint body, for the same DTO validation the API runs. */
export function complaintFormBody(values: ReturnType<typeof complaintFormValues>): Record<string, unknown> {
  const contact = { phone: formOptional(values.phone), email: formOptional(values.email), other: formOptional(values.otherContact) };
  return {
    cityId: formInt(values.cityId) ?? (values.cityId === '' ? undefined : -1),
    facilityId: values.facilityId === '' ? undefined : (formInt(values.facilityId) ?? -1),
    category: values.category,
    description: values.description.trim() === '' ? '' : values.description,
    desiredOutcome: formOptional(values.desiredOutcome),
    incidentDate: formOptional(values.incidentDate),
    responsiblePartyType: formOptional(values.responsiblePartyType),
    keyPopulations: values.keyPopulations,
    gender: formOptional(values.gender),
    ageGroup: formOptional(values.ageGroup),
    contact: Object.values(contact).some((v) => v !== undefined) ? contact : undefined,
    consents: { mayContact: values.mayContact, discloseIdentityToFacility: values.disclose },
  };
}

/** The choices of the complaint form's selects, shared by the public form and staff intake. */
export const COMPLAINT_CHOICES = {
  categories: CATEGORIES,
  keyPopulations: KEY_POPULATIONS,
  genders: GENDERS,
  ageGroups: AGE_GROUPS,
  parties: RESPONSIBLE_PARTY_TYPES,
};

/** The DTO's field names (contact.phone, consents.mayContact…) as the complaint form names its fields. */
export function complaintFormErrors(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const name = k === 'contact.other' ? 'otherContact' : k.startsWith('contact.') ? k.slice(8) : k.startsWith('consents.') ? 'consents' : k;
    out[name] ??= v;
  }
  return out;
}

/** The five rating questions of the feedback form. */
export const RATINGS = ['waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'] as const;

/** Whether a form came back with messages. */
export const hasErrors = (errors: FieldErrors): boolean => Object.keys(errors).length > 0;

/**
 * Contact and consent that contradict each other: a contact given while the council may not use
 * it, or permission to contact with no way to do so. The form asks rather than guessing.
 */
export type ConsentQuestion = 'contactWithoutConsent' | 'consentWithoutContact';

/** The answers the question offers, by question. */
export const CONSENT_ANSWERS: Record<ConsentQuestion, readonly string[]> = {
  contactWithoutConsent: ['allow', 'remove', 'keep'],
  consentWithoutContact: ['anonymous'],
};

type ComplaintValues = ReturnType<typeof complaintFormValues>;
const hasContact = (v: ComplaintValues) => [v.phone, v.email, v.otherContact].some((x) => x.trim() !== '');

/** The question these values raise, if any (an answer given to it settles it). */
export function consentQuestion(v: ComplaintValues, answer: string): ConsentQuestion | null {
  if (hasContact(v) && !v.mayContact && answer !== 'keep') return 'contactWithoutConsent';
  if (!hasContact(v) && v.mayContact) return 'consentWithoutContact';
  return null;
}

/** The values as the person's answer to the question changes them: allow contact, drop it, or stay anonymous. */
export function applyConsentAnswer(v: ComplaintValues, answer: string): ComplaintValues {
  if (answer === 'allow' && hasContact(v)) return { ...v, mayContact: true };
  if (answer === 'remove') return { ...v, phone: '', email: '', otherContact: '' };
  if (answer === 'anonymous' && !hasContact(v)) return { ...v, mayContact: false };
  return v;
}
