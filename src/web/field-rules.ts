import { getMetadataStorage } from 'class-validator';
import type { DomainError } from '../common/domain-errors';

/**
 * The one table from a refused field (an input check failed on the form, or a reason the service
 * gave) to the message that states the rule. Keys are `field.check` (the leaf field name, the
 * class-validator constraint or the service's reason); a key found here wins over the generic
 * messages. The numbers a message states come with it as `key?min=12` (see `withArgs`), taken from
 * the DTO's own constraint or the error's `args`, so no limit is written twice.
 */
const FIELD_RULES: Record<string, string> = {
  'password.minLength': 'rule.passwordMin',
  'password.isString': 'rule.passwordMin',
  'email.isEmail': 'validation.email',
  'email.taken': 'rule.emailTaken',
  'role.isIn': 'rule.roleRequired',
  'memberId.required': 'rule.memberRequired',
  'memberId.not_for_role': 'rule.memberNotForRole',
  'facilityId.required': 'rule.facilityRequired',
  'facilityId.not_for_role': 'rule.facilityNotForRole',
  // The member's and the facility's name: empty after trimming, or shorter than the DTO allows.
  'name.required': 'rule.nameRequired',
  'name.minLength': 'rule.nameMin',
  'name.too_short': 'rule.nameMin',
  'name.maxLength': 'rule.maxLength',
  'topic.required': 'rule.topicRequired',
  'topic.minLength': 'rule.topicRequired',
  'topic.maxLength': 'rule.maxLength',
  'endedOn.isCalendarDate': 'rule.endedOn',
  'termStart.isCalendarDate': 'rule.day',
  'date.isCalendarDate': 'rule.day',
  'constituency.required': 'rule.constituencyRequired',
  'parentId.not_authority': 'rule.parentAuthority',
  'parentId.ladder_loop': 'rule.ladderLoop',
  'parentId.ladder_depth': 'rule.ladderDepth',
  'type.type_has_children': 'rule.typeHasChildren',
  'endedOn.no_seat': 'rule.noSeat',
  'contactEmails.isEmail': 'rule.contactEmails',
  'slaDays.min': 'rule.slaDays',
  'slaDays.max': 'rule.slaDays',
  'slaDays.isInt': 'rule.slaDays',
};

/** Refusals about the whole form (no field), by the service's reason. */
const FORM_RULES: Record<string, string> = {
  seats_full: 'rule.seatsFull',
  term_overlap: 'rule.termOverlap',
};

/** `key?a=1&b=x`: a message key with the values its text names (the renderer's `t` reads them). */
export function withArgs(key: string, args?: Record<string, unknown>): string {
  const entries = Object.entries(args ?? {}).filter(([, v]) => v !== undefined && v !== null);
  return entries.length ? `${key}?${new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()}` : key;
}

/** Splits `key?a=1` into the key and its values. */
export function splitArgs(key: string): { key: string; args?: Record<string, string> } {
  const i = key.indexOf('?');
  if (i < 0) return { key };
  return { key: key.slice(0, i), args: Object.fromEntries(new URLSearchParams(key.slice(i + 1))) };
}

/** The leaf of a form field name (`end.endedOn` → `endedOn`). */
const leaf = (field: string) => field.slice(field.lastIndexOf('.') + 1);

/** The rule message of an input check on a DTO property, with the constraint's own numbers. */
export function inputRuleKey(target: object, property: string, constraint: string): string | undefined {
  const meta = getMetadataStorage()
    .getTargetValidationMetadatas(target as new () => object, '', true, false)
    .find((m) => m.propertyName === property && (m.name === constraint || m.constraintCls?.name?.toLowerCase() === constraint.toLowerCase()));
  const value = meta?.constraints?.[0];
  // A minimum length of 1 only means "not empty": say that, as the service does for a blank one.
  if (constraint === 'minLength' && value === 1 && FIELD_RULES[`${leaf(property)}.required`]) return FIELD_RULES[`${leaf(property)}.required`];
  const key = FIELD_RULES[`${leaf(property)}.${constraint}`];
  if (!key) return undefined;
  const args = typeof value === 'number' ? (constraint === 'maxLength' || constraint === 'max' ? { max: value } : { min: value }) : undefined;
  return withArgs(key, args);
}

/** The rule message of a service refusal that names a field, or a form-level one with a reason. */
export function serviceRuleKey(err: DomainError): string | undefined {
  const key = err.field ? FIELD_RULES[`${leaf(err.field)}.${err.reason ?? ''}`] : err.reason ? FORM_RULES[err.reason] : undefined;
  return key && withArgs(key, err.args);
}
