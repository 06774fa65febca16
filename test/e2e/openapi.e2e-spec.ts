import Ajv, { ValidateFunction } from 'ajv';
import type { Response } from 'supertest';
import { linkToken } from '../support/escalation-fixtures';
import { Slip } from '../../src/complaints/slip.entity';
import { bearer, STAFF_PASSWORD } from '../support/fixtures';
import { TestSmtp } from '../support/smtp';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, TestApp } from '../support/test-app';
import { totpAt } from '../support/two-factor';

/**
 * The API contract a partner generates a client from (/api/docs-json). First the document itself:
 * every operation has a one-line summary, a 2xx response with a schema (or a bare 204) and the
 * error answers it can give. Then the service is held to it: every route is called, and every
 * answer must be one its operation lists, with a body that matches the documented schema exactly
 * (no field missing, none undocumented). A route added later without its contract, or an answer
 * that drifts from it, fails here.
 */
type Schema = Record<string, any>;
type Method = 'get' | 'post' | 'patch';
interface Operation {
  summary?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, Schema> };
}

/** OpenAPI 3.0 → JSON Schema for ajv: `nullable` becomes a null alternative; objects admit only their documented properties. */
function jsonSchema(s: any): any {
  if (Array.isArray(s)) return s.map(jsonSchema);
  if (s === null || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'nullable' || k === 'example' || k.startsWith('x-')) continue;
    if (k === '$ref') out.$ref = `openapi${v as string}`;
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, jsonSchema(ps)]));
    else out[k] = jsonSchema(v);
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return s.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** Where a schema would leave a generated client guessing: no type, or an object/array of nothing. */
function vague(schema: Schema, where: string, out: string[]): void {
  if (schema.$ref) return;
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) for (const [i, s] of (schema[key] ?? []).entries()) vague(s, `${where}.${key}[${i}]`, out);
  if (schema.allOf || schema.oneOf || schema.anyOf || schema.enum) return;
  if (schema.type === 'object') {
    if (!schema.properties && schema.additionalProperties === undefined) out.push(`${where}: an object without properties`);
    for (const [p, ps] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) vague(ps, `${where}.${p}`, out);
    if (typeof schema.additionalProperties === 'object') vague(schema.additionalProperties, `${where}.*`, out);
  } else if (schema.type === 'array') {
    if (!schema.items) out.push(`${where}: an array of nothing`);
    else vague(schema.items, `${where}[]`, out);
  } else if (!schema.type) {
    out.push(`${where}: no type`);
  }
}

describe('OpenAPI contract (HTTP)', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let doc: Document;
  let ajv: Ajv;
  const validators = new Map<string, ValidateFunction>();
  /** Operations seen answering with a 2xx, as `METHOD /path/{param}`. */
  const answered = new Set<string>();
  const ops: { key: string; method: Method; path: string; op: Operation }[] = [];

  beforeAll(async () => {
    smtp = new TestSmtp();
    await smtp.start();
    t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'KPAC tracker <no-reply@kpac.test>', PUBLIC_RATE_LIMIT: '0' } });
    doc = (await t.http().get('/api/docs-json').expect(200)).body;
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(byMethod)) ops.push({ key: `${method.toUpperCase()} ${path}`, method: method as Method, path, op: op! });
    }
    ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
    ajv.addSchema({ $id: 'openapi', components: { schemas: jsonSchema(doc.components.schemas) } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** The documented operation a request went to; literal segments win over parameters. */
  function operationOf(method: Method, url: string): { key: string; op: Operation } {
    const path = url.split('?')[0];
    const candidates = ops
      .filter((o) => o.method === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path))
      .sort((a, b) => (a.path.match(/\{/g) ?? []).length - (b.path.match(/\{/g) ?? []).length);
    if (!candidates.length) throw new Error(`${method.toUpperCase()} ${path} is not in the OpenAPI document`);
    return candidates[0];
  }

  /** Holds one answer to the contract of its operation. */
  function conform(method: Method, url: string, res: Response): void {
    const { key, op } = operationOf(method, url);
    const documented = op.responses[String(res.status)];
    if (!documented) throw new Error(`${key} answered ${res.status}, which its contract does not list (${Object.keys(op.responses).join(', ')}): ${res.text.slice(0, 300)}`);
    if (res.status >= 200 && res.status < 300) answered.add(key);
    if (res.status === 204) {
      expect(res.text ?? '').toBe('');
      return;
    }
    const type = String(res.headers['content-type'] ?? '').split(';')[0];
    const media = documented.content?.[type];
    if (!media?.schema) throw new Error(`${key} ${res.status} answered ${type}, which its contract does not list`);
    if (type !== 'application/json') {
      // A binary download (the slips PDF) is not text: it must have a body, of the documented type.
      const body = media.schema.format === 'binary' ? (Number(res.headers['content-length']) > 0 ? 'string' : 'empty') : typeof res.text;
      expect({ key, schema: media.schema.type, body }).toEqual({ key, schema: 'string', body: 'string' });
      return;
    }
    const cacheKey = `${key} ${res.status}`;
    let validate = validators.get(cacheKey);
    if (!validate) validators.set(cacheKey, (validate = ajv.compile(jsonSchema(media.schema))));
    if (!validate(res.body)) {
      throw new Error(`${cacheKey}: the body does not match its schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 800)}`);
    }
  }

  /** A request through the whole app: it must answer `status`, and as documented. */
  async function call(method: Method, url: string, status: number, opts: { token?: string; body?: object } = {}): Promise<any> {
    let req = t.http()[method](url);
    if (opts.token) req = req.set(bearer(opts.token));
    if (opts.body) req = req.send(opts.body);
    const res = await req;
    if (res.status !== status) throw new Error(`${method.toUpperCase()} ${url} answered ${res.status}, not ${status}: ${res.text.slice(0, 500)}`);
    conform(method, url, res);
    return res.body;
  }

  it('documents every operation with a one-line summary, a 2xx schema and its error answers', () => {
    const gaps: string[] = [];
    for (const { key, op } of ops) {
      const summary = op.summary?.trim();
      if (!summary) gaps.push(`${key}: no summary`);
      else if (summary.includes('\n')) gaps.push(`${key}: the summary is more than one line`);
      const success = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (!success.length) gaps.push(`${key}: no 2xx response`);
      for (const [status, r] of success) {
        if (status === '204') {
          if (r.content) gaps.push(`${key}: 204 with content`);
        } else if (!r.content || !Object.keys(r.content).length || Object.values(r.content).some((m) => !m.schema)) {
          gaps.push(`${key}: ${status} without a schema`);
        }
      }
      const has = (where: string) => (op.parameters ?? []).some((p) => p.in === where);
      const needed = [
        ...(op.security?.length ? ['401', '403'] : []),
        ...(op.requestBody || has('query') || has('path') ? ['400'] : []),
        ...(has('path') ? ['404'] : []),
      ];
      for (const status of needed) if (!op.responses[status]) gaps.push(`${key}: no ${status} response`);
      for (const [status, r] of Object.entries(op.responses)) {
        if (!/^4\d\d$/.test(status)) continue;
        const ref = r.content?.['application/json']?.schema?.$ref as string | undefined;
        const error = ref ? doc.components.schemas[ref.split('/').pop()!] : undefined;
        if (!error || !['statusCode', 'error', 'message'].every((p) => error.required?.includes(p))) gaps.push(`${key}: ${status} is not the error body`);
      }
    }
    expect(gaps).toEqual([]);
  });

  it('leaves no schema vague (every object has its properties, every property a type)', () => {
    const out: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas)) vague(schema, name, out);
    for (const { key, op } of ops) {
      for (const [status, r] of Object.entries(op.responses)) for (const m of Object.values(r.content ?? {})) if (m.schema) vague(m.schema, `${key} ${status}`, out);
    }
    expect(out).toEqual([]);
  });

  // Shared by the walk below, which goes through every route in the order a client would.
  const ids: Record<string, number> = {};
  const tokens: Record<string, string> = {};
  const memberEmail = 'openapi-member@test.kpac';
  const facilityEmail = 'openapi-facility@test.kpac';
  const description = 'The site closes at noon, so I cannot collect my dose after my shift at the market.';
  const phone = '+992 90 123 4567';

  it('answers accounts and the login steps as documented', async () => {
    const admin = t.adminToken;
    await call('post', '/api/v1/auth/login', 401, { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
    await call('post', '/api/v1/auth/login', 401, { body: { email: ADMIN_EMAIL, password: 'wrong-password' } });
    await call('post', '/api/v1/auth/login', 400, { body: { email: 'not-an-address' } });
    await call('post', '/api/v1/auth/login', 200, { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, otp: await t.otp(ADMIN_EMAIL) } });
    await call('get', '/api/v1/users', 401);
    await call('get', '/api/v1/users', 200, { token: admin });

    const cities: { id: number; code: string; councilId: number }[] = await call('get', '/api/v1/cities', 200, { token: admin });
    const bkh = cities.find((c) => c.code === 'BKH')!;
    Object.assign(ids, { bkhCity: bkh.id, bkhCouncil: bkh.councilId });
    const member = await call('post', `/api/v1/councils/${bkh.councilId}/members`, 201, { token: admin, body: { name: 'Openapi Member', constituency: 'plhiv', termStart: '2025-06-01' } });
    ids.member = member.id;
    const memberUser = await call('post', '/api/v1/users', 201, { token: admin, body: { email: memberEmail, password: STAFF_PASSWORD, role: 'kpac_member', memberId: member.id } });
    await call('post', '/api/v1/users', 409, { token: admin, body: { email: memberEmail, password: STAFF_PASSWORD, role: 'kpac_member', memberId: member.id } });
    await call('patch', `/api/v1/users/${memberUser.id}`, 200, { token: admin, body: { active: true } });
    await call('patch', '/api/v1/users/999999', 404, { token: admin, body: { active: true } });
    tokens.member = await t.login(memberEmail, STAFF_PASSWORD);
    await call('get', '/api/v1/users', 403, { token: tokens.member });
    await call('post', '/api/v1/auth/2fa/start', 201, { token: tokens.member });
    await call('post', '/api/v1/auth/2fa/start', 409, { token: admin });

    // A facility, the authority above it, and its administrator, who must set up a second factor.
    const authority = await call('post', '/api/v1/facilities', 201, {
      token: admin,
      body: { name: 'Openapi health department', cityId: bkh.id, type: 'authority', contactEmails: ['dept@authority.test'], language: 'ru' },
    });
    const site = await call('post', '/api/v1/facilities', 201, {
      token: admin,
      body: { name: 'Openapi OST site', cityId: bkh.id, type: 'ost_site', contactEmails: ['site@facility.test'], language: 'en', parentId: authority.id },
    });
    Object.assign(ids, { authority: authority.id, site: site.id });
    await call('post', '/api/v1/users', 201, { token: admin, body: { email: facilityEmail, password: STAFF_PASSWORD, role: 'facility_admin', facilityId: site.id } });
    const refused = await call('post', '/api/v1/auth/login', 403, { body: { email: facilityEmail, password: STAFF_PASSWORD } });
    const enrolment = await call('post', '/api/v1/auth/2fa/enrol', 200, { body: { enrolmentToken: refused.enrolmentToken } });
    await call('post', '/api/v1/auth/2fa/enrol', 400, { body: { enrolmentToken: 'short' } });
    const confirmed = await call('post', '/api/v1/auth/2fa/confirm', 200, { body: { enrolmentToken: refused.enrolmentToken, otp: totpAt(enrolment.secret, t.clock.now()) } });
    await call('post', '/api/v1/auth/2fa/confirm', 401, { body: { enrolmentToken: refused.enrolmentToken, otp: '123456' } });
    t.remember(facilityEmail, { secret: enrolment.secret, recoveryCodes: confirmed.recoveryCodes });
    tokens.facility = confirmed.accessToken;

    // A second admin whose second factor is reset and who is then switched off.
    const other = await call('post', '/api/v1/users', 201, { token: admin, body: { email: 'openapi-admin@test.kpac', password: STAFF_PASSWORD, role: 'admin' } });
    await call('post', `/api/v1/users/${other.id}/2fa/reset`, 200, { token: admin });
    await call('post', '/api/v1/users/999999/2fa/reset', 404, { token: admin });
    await call('patch', `/api/v1/users/${other.id}`, 200, { token: admin, body: { active: false } });

    await call('get', '/api/v1/audit?entity=user', 200, { token: admin });
    await call('get', '/api/v1/audit?limit=0', 400, { token: admin });
  });

  it('answers cities, councils, members and facilities as documented', async () => {
    const admin = t.adminToken;
    await call('get', '/api/v1/cities', 200, { token: tokens.member });
    await call('get', '/api/v1/cities', 403, { token: tokens.facility });
    const city = await call('post', '/api/v1/cities', 201, { token: admin, body: { name: 'Istaravshan', code: 'IST' } });
    await call('post', '/api/v1/cities', 409, { token: admin, body: { name: 'Istaravshan', code: 'IST' } });
    await call('post', '/api/v1/cities', 400, { token: admin, body: { name: '', code: 'ist' } });
    const council = await call('post', '/api/v1/councils', 201, { token: admin, body: { cityId: city.id } });
    await call('post', '/api/v1/councils', 409, { token: admin, body: { cityId: city.id } });
    await call('get', '/api/v1/councils', 200, { token: admin });
    await call('get', `/api/v1/councils/${council.id}`, 200, { token: admin });
    await call('get', `/api/v1/councils/${council.id}`, 404, { token: tokens.member });
    await call('get', '/api/v1/councils/abc', 400, { token: admin });
    await call('patch', `/api/v1/councils/${council.id}`, 200, { token: admin, body: { seats: 5 } });
    await call('get', `/api/v1/councils/${ids.bkhCouncil}/members`, 200, { token: tokens.member });

    const person = await call('post', `/api/v1/councils/${council.id}/members`, 201, { token: admin, body: { name: 'Openapi Person', constituency: 'sex_workers', termStart: '2026-01-01' } });
    await call('post', '/api/v1/councils/999999/members', 404, { token: admin, body: { name: 'Nobody', constituency: 'plhiv', termStart: '2026-01-01' } });
    await call('get', `/api/v1/members/${person.id}`, 200, { token: admin });
    await call('post', `/api/v1/members/${person.id}/terms`, 201, { token: admin, body: { termStart: person.currentTerm.termEnd } });
    await call('post', `/api/v1/members/${person.id}/terms`, 409, { token: admin, body: { termStart: '2026-02-01' } });
    await call('post', `/api/v1/members/${person.id}/trainings`, 201, { token: admin, body: { topic: 'REAct documentation', date: '2026-02-10' } });
    await call('post', `/api/v1/members/${person.id}/end`, 200, { token: admin, body: { reason: 'resigned', endedOn: '2026-06-01' } });
    await call('post', `/api/v1/members/${person.id}/end`, 409, { token: admin, body: { reason: 'removed', endedOn: '2026-07-01' } });
    await call('post', `/api/v1/members/${person.id}/end`, 403, { token: tokens.member, body: { reason: 'removed', endedOn: '2026-07-01' } });

    await call('get', '/api/v1/facilities', 200, { token: tokens.member });
    await call('get', '/api/v1/facilities?type=castle', 400, { token: admin });
    await call('get', `/api/v1/facilities/${ids.site}`, 200, { token: tokens.facility });
    await call('get', `/api/v1/facilities/${ids.authority}`, 404, { token: tokens.facility });
    await call('patch', `/api/v1/facilities/${ids.site}`, 200, { token: admin, body: { slaDays: 7 } });
    await call('patch', `/api/v1/facilities/${ids.authority}`, 409, { token: admin, body: { type: 'clinic' } });
  });

  it('answers the public routes and the whole complaint workflow as documented', async () => {
    const admin = t.adminToken;
    await call('get', '/api/v1/public/cities', 200);
    await call('get', `/api/v1/public/facilities?city=${ids.bkhCity}`, 200);
    await call('get', '/api/v1/public/facilities', 400);
    await call('post', '/api/v1/public/feedback', 201, { body: { facilityId: ids.site, ratings: { waitingTime: 2, staffAttitude: 4, openingHours: 1, confidentiality: 5, overall: 3 } } });
    await call('post', '/api/v1/public/feedback', 400, { body: { facilityId: ids.site } });
    const submitted = await call('post', '/api/v1/public/complaints', 201, {
      body: {
        cityId: ids.bkhCity,
        facilityId: ids.site,
        category: 'opening_hours',
        description,
        keyPopulations: ['people_who_use_drugs'],
        gender: 'female',
        contact: { phone },
        consents: { mayContact: true, discloseIdentityToFacility: true },
      },
    });
    const { reference, trackingCode } = submitted;
    await call('post', '/api/v1/public/complaints/track', 200, { body: { reference, trackingCode } });
    await call('post', '/api/v1/public/complaints/confirm', 409, { body: { reference, trackingCode, resolvedForMe: true } });
    // Wrong codes for one reference from one network: free at first, then a wait.
    for (let i = 0; i < 5; i++) await call('post', '/api/v1/public/complaints/track', 404, { body: { reference: 'BKH-26-0999', trackingCode } });
    await call('post', '/api/v1/public/complaints/track', 429, { body: { reference: 'BKH-26-0999', trackingCode } });

    const page = await call('get', `/api/v1/complaints?city=${ids.bkhCity}`, 200, { token: tokens.member });
    const id = page.items.find((c: { reference: string }) => c.reference === reference).id as number;
    await call('get', '/api/v1/complaints?limit=0', 400, { token: tokens.member });
    await call('get', `/api/v1/complaints/${id}`, 200, { token: tokens.member });
    await call('get', `/api/v1/complaints/${id}`, 403, { token: tokens.facility });
    await call('get', '/api/v1/complaints/999999', 404, { token: tokens.member });
    await call('post', `/api/v1/complaints/${id}/triage`, 200, { token: tokens.member, body: { decision: 'accept', priority: 'high' } });
    await call('post', `/api/v1/complaints/${id}/triage`, 409, { token: tokens.member, body: { decision: 'accept' } });
    await call('post', `/api/v1/complaints/${id}/contact/reveal`, 200, { token: tokens.member, body: {} });

    // Escalation to the facility the complainant named, answered through the e-mailed link.
    const draft = await call('get', `/api/v1/complaints/${id}/escalations/draft?facilityId=${ids.site}`, 200, { token: tokens.member });
    await call('post', `/api/v1/complaints/${id}/escalations`, 422, { token: tokens.member, body: { facilityId: ids.site, summary: description } });
    const escalation = await call('post', `/api/v1/complaints/${id}/escalations`, 202, { token: tokens.member, body: { facilityId: ids.site, summary: draft.summary } });
    await call('get', '/api/v1/escalations', 200, { token: tokens.member });
    await call('get', '/api/v1/escalations?limit=0', 400, { token: tokens.member });
    await call('get', `/api/v1/escalations/${escalation.id}`, 200, { token: tokens.facility });
    const mails = await smtp.waitFor((m) => m.some((x) => x.to.includes('site@facility.test') && x.text.includes('/respond/')), 20_000, 'the facility e-mail');
    const token = linkToken(mails.find((x) => x.to.includes('site@facility.test'))!.text);
    await call('get', `/api/v1/escalations/link/${token}`, 200);
    await call('get', '/api/v1/escalations/link/not-a-token', 400);
    await call('get', `/api/v1/escalations/link/${'A'.repeat(43)}`, 404);
    await call('post', '/api/v1/escalations/respond', 200, { body: { token, response: 'We will open until 2 pm from next week.' } });
    await call('post', '/api/v1/escalations/respond', 410, { body: { token, response: 'Once more.' } });

    await call('post', `/api/v1/complaints/${id}/resolution`, 200, { token: tokens.member, body: { outcome: 'resolved_positive', note: 'Checked with the site.' } });
    await call('post', `/api/v1/complaints/${id}/resolution`, 400, { token: tokens.member, body: { outcome: 'resolved_somehow' } });
    await call('post', '/api/v1/public/complaints/confirm', 200, { body: { reference, trackingCode, resolvedForMe: true } });
    await call('post', '/api/v1/public/complaints/confirm', 409, { body: { reference, trackingCode, resolvedForMe: false } });
    await call('post', `/api/v1/complaints/${id}/reopen`, 200, { token: tokens.member, body: { note: 'The site went back to closing at noon.' } });
    await call('post', `/api/v1/complaints/${id}/reopen`, 409, { token: tokens.member, body: {} });

    // A complaint taken by phone, escalated and answered by the facility's administrator.
    const phoned = await call('post', '/api/v1/complaints', 201, {
      token: tokens.member,
      body: { cityId: ids.bkhCity, category: 'waiting_time', description: 'Callers wait three hours at the window on Mondays.', channel: 'hotline' },
    });
    await call('post', '/api/v1/complaints', 400, { token: tokens.member, body: { cityId: ids.bkhCity } });
    await call('post', `/api/v1/complaints/${phoned.id}/triage`, 200, { token: admin, body: { decision: 'accept' } });
    const second = await call('post', `/api/v1/complaints/${phoned.id}/escalations`, 202, {
      token: admin,
      body: { facilityId: ids.site, summary: 'A service user reports long waits at the window on Mondays.' },
    });
    await call('post', `/api/v1/escalations/${second.id}/response`, 200, { token: tokens.facility, body: { response: 'A second window opens on Mondays.' } });
    await call('post', `/api/v1/escalations/${second.id}/response`, 409, { token: tokens.facility, body: { response: 'Again.' } });
    await call('post', '/api/v1/escalations/999999/response', 404, { token: tokens.facility, body: { response: 'Nobody.' } });
    ids.phoned = phoned.id;
  });

  it('answers statistics and exports as documented', async () => {
    const admin = t.adminToken;
    await call('get', '/api/v1/stats/resolution', 200, { token: admin });
    await call('get', '/api/v1/stats/resolution?groupBy=city', 200, { token: admin });
    await call('get', '/api/v1/stats/resolution?groupBy=keyPopulation', 200, { token: tokens.member });
    await call('get', '/api/v1/stats/resolution?groupBy=gender', 403, { token: tokens.facility });
    await call('get', '/api/v1/stats/resolution?from=yesterday', 400, { token: admin });
    await call('get', '/api/v1/stats/sla', 200, { token: admin });
    await call('get', '/api/v1/stats/sla', 200, { token: tokens.member });
    await call('get', '/api/v1/stats/sla', 200, { token: tokens.facility });
    await call('get', '/api/v1/stats/feedback', 200, { token: admin });
    await call('get', '/api/v1/stats/feedback', 200, { token: tokens.member });
    await call('get', '/api/v1/stats/councils', 200, { token: admin });
    await call('get', '/api/v1/stats/councils', 200, { token: tokens.member });
    await call('get', '/api/v1/stats/councils', 403, { token: tokens.facility });
    // Complaint-box slips: the PDF, then a complaint entered from one of them (no new code).
    await call('post', '/api/v1/slips', 200, { token: tokens.member, body: { cityId: ids.bkhCity, count: 2, language: 'tg' } });
    await call('post', '/api/v1/slips', 400, { token: tokens.member, body: { cityId: ids.bkhCity, count: 0, language: 'tg' } });
    await call('post', '/api/v1/slips', 404, { token: admin, body: { cityId: 999999, count: 1, language: 'tg' } });
    const slip = await t.db.manager.findOneOrFail(Slip, { where: { cityId: ids.bkhCity }, order: { reference: 'ASC' } });
    const fromSlip = await call('post', '/api/v1/complaints', 201, {
      token: tokens.member,
      body: { cityId: ids.bkhCity, category: 'opening_hours', description: 'Written on a slip from the box at the site.', slipReference: slip.reference },
    });
    expect(fromSlip.trackingCode).toBeNull();
    await call('post', '/api/v1/complaints', 409, {
      token: tokens.member,
      body: { cityId: ids.bkhCity, category: 'opening_hours', description: 'Written on a slip from the box at the site.', slipReference: slip.reference },
    });
    await call('get', '/api/v1/exports/complaints.csv', 200, { token: admin });
    await call('get', '/api/v1/exports/complaints.csv?includeText=maybe', 400, { token: admin });
    await call('get', '/api/v1/exports/react.csv', 200, { token: admin });
    await call('get', '/api/v1/exports/react.csv', 403, { token: tokens.member });
    await call('get', '/health', 200);
    await call('get', '/metrics', 200, { token: admin });
    await call('get', '/metrics', 403, { token: tokens.member });
    await call('get', '/metrics', 401);
  });

  it('answers logout as documented, and the token is dead after it', async () => {
    await call('post', '/api/v1/auth/logout', 204, { token: tokens.member });
    await call('post', '/api/v1/auth/logout', 401, { token: tokens.member });
  });

  it('has seen every documented operation answer with its success status', () => {
    expect(ops.map((o) => o.key).filter((key) => !answered.has(key))).toEqual([]);
  });
});
