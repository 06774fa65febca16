import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AGE_GROUPS,
  CATEGORIES,
  CHANNELS,
  DECLINE_REASONS,
  GENDERS,
  KEY_POPULATIONS,
  OUTCOMES,
  PRIORITIES,
  REJECT_REASONS,
  RESPONSIBLE_PARTY_TYPES,
  STATUSES,
} from '../../src/complaints/complaint.constants';
import { CONSTITUENCIES } from '../../src/councils/council.constants';
import { RESPONSE_STATES } from '../../src/escalations/escalation.constants';
import { FACILITY_TYPES } from '../../src/facilities/facility.constants';
import { ROLES } from '../../src/users/user.constants';

/** Every user-facing string exists in tg, ru and en: a missing key in any language fails here. */
const ROOT = join(__dirname, '..', '..', 'src');
const LANGS = ['tg', 'ru', 'en'];

function flatten(obj: unknown, prefix = '', out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, obj);
  return out;
}

/** namespace.key → text, per language, from src/i18n/<lang>/<namespace>.json. */
function webMessages(lang: string): Map<string, unknown> {
  const dir = join(ROOT, 'i18n', lang);
  const out = new Map<string, unknown>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const ns = file.replace(/\.json$/, '');
    for (const [k, v] of flatten(JSON.parse(readFileSync(join(dir, file), 'utf8')))) out.set(`${ns}.${k}`, v);
  }
  return out;
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function expectSameKeys(sets: Record<string, Map<string, unknown>>, what: string) {
  const all = new Set(Object.values(sets).flatMap((m) => [...m.keys()]));
  const missing: string[] = [];
  for (const key of all) {
    for (const lang of LANGS) {
      const v = sets[lang].get(key);
      if (typeof v !== 'string' || v.trim() === '') missing.push(`${what} ${lang}: ${key}`);
    }
    // The same {placeholders} in every language, or a translation silently drops a value.
    const ph = LANGS.map((l) => JSON.stringify(placeholders(String(sets[l].get(key) ?? ''))));
    if (new Set(ph).size > 1) missing.push(`${what}: ${key} has different placeholders ${ph.join(' / ')}`);
  }
  expect(missing).toEqual([]);
}

describe('message files', () => {
  const web = Object.fromEntries(LANGS.map((l) => [l, webMessages(l)]));

  it('every web key exists, non-empty, in tg, ru and en', () => {
    expect(web.en.size).toBeGreaterThan(300);
    expectSameKeys(web, 'src/i18n');
  });

  it('every e-mail key exists in tg, ru and en (src/notifications/templates)', () => {
    const dir = join(ROOT, 'notifications', 'templates');
    const mail = Object.fromEntries(LANGS.map((l) => [l, flatten(JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')))]));
    expect(mail.en.size).toBeGreaterThan(0);
    expectSameKeys(mail, 'src/notifications/templates');
  });

  it('every Telegram bot key exists in tg, ru and en, with every category, gender, status and rating aspect (src/telegram/texts)', () => {
    const dir = join(ROOT, 'telegram', 'texts');
    const bot = Object.fromEntries(LANGS.map((l) => [l, flatten(JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')))]));
    expectSameKeys(bot, 'src/telegram/texts');
    const needed = [
      ...CATEGORIES.map((c) => `category.${c}`),
      ...GENDERS.map((g) => `gender.${g}`),
      ...STATUSES.map((s) => `status.${s}`),
      ...['waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'].map((a) => `aspect.${a}`),
    ];
    expect(needed.filter((k) => !bot.en.has(k))).toEqual([]);
  });

  it('every key the views and web controllers use literally is defined', () => {
    const used = new Set<string>();
    const views = join(ROOT, 'web', 'views');
    for (const f of readdirSync(views)) {
      const text = readFileSync(join(views, f), 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) if (!m[1].endsWith('.')) used.add(m[1]);
    }
    for (const f of readdirSync(join(ROOT, 'web')).filter((x) => x.endsWith('.ts'))) {
      const text = readFileSync(join(ROOT, 'web', f), 'utf8');
      for (const m of text.matchAll(/'((?:validation|track|login|error|feedback|case|respond|board|council|admin|complain|done)\.[A-Za-z]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) if (!m[1].endsWith('.')) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    const missing = [...used].filter((k) => !web.en.has(`web.${k}`));
    expect(missing).toEqual([]);
  });

  it('every value of every vocabulary has a label', () => {
    const vocab: Record<string, readonly string[]> = {
      status: STATUSES,
      category: CATEGORIES,
      outcome: OUTCOMES,
      declineReason: DECLINE_REASONS,
      rejectReason: REJECT_REASONS,
      keyPopulation: KEY_POPULATIONS,
      gender: GENDERS,
      ageGroup: AGE_GROUPS,
      responsibleParty: RESPONSIBLE_PARTY_TYPES,
      priority: PRIORITIES,
      channel: CHANNELS,
      facilityType: FACILITY_TYPES,
      constituency: CONSTITUENCIES,
      responseState: RESPONSE_STATES,
      role: ROLES,
    };
    const missing = Object.entries(vocab).flatMap(([group, values]) => values.map((v) => `web.${group}.${v}`).filter((k) => !web.en.has(k)));
    expect(missing).toEqual([]);
  });
});
