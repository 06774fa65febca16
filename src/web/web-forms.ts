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

export function formBool(v: unknown): boolean {
  const s = formString(v);
  return s === 'on' || s === 'true' || s === '1' || s === 'yes';
}
