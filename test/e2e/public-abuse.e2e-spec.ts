import fc from 'fast-check';
import { cityByCode, seedFacility } from '../support/fixtures';
import { createTestApp, TestApp } from '../support/test-app';
import { CATEGORIES } from '../../src/complaints/complaint.constants';

/**
 * Thousands of malformed bodies at every public route: each must be refused with a 4xx (never a
 * 5xx) and leave nothing behind. Requests go through Fastify's inject: the whole application
 * (parsing, guards, pipes, filter) without a socket per request, so thousands stay quick.
 */
describe('public routes refuse malformed input', () => {
  let t: TestApp;
  let cityId: number;
  let facilityId: number;
  let valid: { reference: string; trackingCode: string };

  beforeAll(async () => {
    t = await createTestApp({ env: { PUBLIC_RATE_LIMIT: '0' } });
    cityId = (await cityByCode(t, 'BKH')).city.id;
    facilityId = (await seedFacility(t, 'BKH')).id;
    const res = await t.http().post('/api/v1/public/complaints').send({ cityId, category: 'other', description: 'the one real complaint' }).expect(201);
    valid = res.body;
  });
  afterAll(async () => {
    await t.close();
  });

  const inject = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method, url, payload: payload === undefined ? undefined : JSON.stringify(payload), headers: { 'content-type': 'application/json' } });

  const counts = async () => {
    const q = async (table: string) => Number((await t.db.manager.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return { complaints: await q('complaints'), events: await q('complaint_events'), feedback: await q('feedback'), audit: await q('audit_events') };
  };

  const junk = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 50 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
  );
  /** JSON.stringify drops undefined, which would turn a mutation into no mutation. */
  const present = fc.anything().filter((v) => v !== undefined);
  const notInt = junk.filter((v) => !(typeof v === 'number' && Number.isInteger(v) && v >= 1));
  const notString = junk.filter((v) => typeof v !== 'string');
  const notBool = junk.filter((v) => typeof v !== 'boolean');
  const badEnum = (allowed: readonly string[]) => junk.filter((v) => !(typeof v === 'string' && allowed.includes(v)));
  const huge = (max: number) => fc.integer({ min: max + 1, max: max + 3000 }).map((n) => 'ж'.repeat(n));
  const badDate = fc.oneof(
    fc.constantFrom('2027-01-01', '2026-03-03', '2026-02-30', '26-01-01', 'yesterday', '2026-1-1', '2026-01-01T00:00:00Z', '1899-12-31'),
    notString,
  );
  const unknownKey = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['cityId', 'facilityId', 'category', 'description', 'desiredOutcome', 'incidentDate', 'keyPopulations', 'gender', 'ageGroup', 'responsiblePartyType', 'contact', 'consents', 'channel', 'website', 'reference', 'trackingCode', 'resolvedForMe', 'comment', 'ratings', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'].includes(k));

  /** A mutation that alone makes a body invalid: [field, value] or 'delete'. */
  const complaintMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
    fc.tuple(fc.constant('cityId'), fc.oneof(notInt, fc.integer({ min: 1000, max: 2_147_483_647 }), fc.constant(2 ** 40))),
    fc.tuple(fc.constant('facilityId'), fc.oneof(notInt.filter((v) => v !== null), fc.integer({ min: 100_000, max: 2_147_483_647 }), fc.constant(1e12))),
    fc.tuple(fc.constant('category'), badEnum(CATEGORIES)),
    fc.tuple(fc.constant('description'), fc.oneof(notString, fc.constant(''), huge(5000), fc.constant('a\u0000b'))),
    fc.tuple(fc.constant('desiredOutcome'), fc.oneof(notString.filter((v) => v !== null), huge(2000))),
    fc.tuple(fc.constant('incidentDate'), badDate.filter((v) => v !== null)),
    fc.tuple(
      fc.constant('keyPopulations'),
      fc.oneof(fc.constant(['plhiv', 'plhiv']), fc.constant(['nope']), fc.constant('plhiv'), fc.array(fc.integer(), { minLength: 1 }), fc.dictionary(fc.string(), fc.string(), { minKeys: 1 })),
    ),
    fc.tuple(fc.constantFrom('gender', 'ageGroup', 'responsiblePartyType'), badEnum(['female', 'male', '19-35', 'police', 'healthcare']).filter((v) => v !== null)),
    fc.tuple(
      fc.constant('contact'),
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.array(fc.anything(), { minLength: 0, maxLength: 3 }),
        fc.record({ phone: fc.constantFrom('call me', '12345<script>', '1'.repeat(41)) }),
        fc.record({ email: fc.constantFrom('not-an-email', 'a@', '@b.c') }),
        fc.record({ other: huge(500) }),
        fc.dictionary(unknownKey, fc.string(), { minKeys: 1, maxKeys: 2 }),
      ),
    ),
    fc.tuple(fc.constant('consents'), fc.oneof(fc.string(), fc.array(fc.boolean()), fc.record({ mayContact: fc.constantFrom('yes', 1, 'true') }), fc.dictionary(unknownKey, fc.boolean(), { minKeys: 1, maxKeys: 2 }))),
    fc.tuple(fc.constant('channel'), badEnum(['web']).filter((v) => v !== null)),
    fc.tuple(fc.constant("receivedAt"), present),
    fc.tuple(unknownKey, present),
    fc.tuple(fc.constantFrom('cityId', 'category', 'description'), fc.constant('delete')),
  );

  const validComplaint = fc.record({
    cityId: fc.constant(0),
    category: fc.constantFrom(...CATEGORIES),
    description: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
    gender: fc.constantFrom('female', 'male', 'unknown'),
  });

  const apply = (base: Record<string, unknown>, mutations: [string, unknown][]) => {
    const body: Record<string, unknown> = { ...base };
    for (const [k, v] of mutations) {
      if (v === 'delete') delete body[k];
      else Object.defineProperty(body, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return body;
  };

  const expect4xx = (status: number, body: string) => {
    if (status < 400 || status >= 500) throw new Error(`status ${status}: ${body.slice(0, 300)}`);
    const parsed = JSON.parse(body);
    expect(parsed).toEqual(expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.anything() }));
  };

  it('POST /public/complaints: only 4xx, nothing stored', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 4, arbitrary: fc.tuple(validComplaint, fc.array(complaintMutation, { minLength: 1, maxLength: 3 })).map(([b, m]) => apply({ ...b, cityId }, m)) },
          { weight: 1, arbitrary: fc.anything() },
        ),
        async (body) => {
          const res = await inject('POST', '/api/v1/public/complaints', body);
          expect4xx(res.statusCode, res.body);
        },
      ),
      { numRuns: 1000 },
    );
    expect(await counts()).toEqual(before);
  });

  it('POST /public/complaints/track and /confirm: only 4xx, nothing stored', async () => {
    const before = await counts();
    const trackMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
      fc.tuple(fc.constant('reference'), fc.oneof(notString.filter((v) => v !== null), fc.string(), fc.constant('BKH-26-00001234567'), fc.constant('BKH-26-0001\u0000'))),
      fc.tuple(fc.constant('trackingCode'), fc.oneof(notString.filter((v) => v !== null), huge(40))),
      fc.tuple(unknownKey, present),
      fc.tuple(fc.constantFrom('reference', 'trackingCode'), fc.constant('delete')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(trackMutation, { minLength: 1, maxLength: 3 }).map((m) => apply({ reference: 'BKH-26-9999', trackingCode: 'AAAA-AAAA-AAAA-AAAA' }, m)), fc.anything()),
        async (body) => {
          const res = await inject('POST', '/api/v1/public/complaints/track', body);
          expect4xx(res.statusCode, res.body);
        },
      ),
      { numRuns: 500 },
    );
    const confirmMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
      fc.tuple(fc.constant('resolvedForMe'), notBool),
      fc.tuple(fc.constant('comment'), fc.oneof(notString.filter((v) => v !== null), huge(2000))),
      fc.tuple(unknownKey, present),
      fc.tuple(fc.constant('resolvedForMe'), fc.constant('delete')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(confirmMutation, { minLength: 1, maxLength: 3 }).map((m) => apply({ ...valid, resolvedForMe: true }, m)),
          // Well-formed but the complaint is not resolved: 409.
          fc.record({ reference: fc.constant(valid.reference), trackingCode: fc.constant(valid.trackingCode), resolvedForMe: fc.boolean(), comment: fc.string() }),
          fc.anything(),
        ),
        async (body) => {
          const res = await inject('POST', '/api/v1/public/complaints/confirm', body);
          expect4xx(res.statusCode, res.body);
        },
      ),
      { numRuns: 500 },
    );
    expect(await counts()).toEqual(before);
  });

  it('POST /public/feedback and GET /public/facilities: only 4xx, nothing stored', async () => {
    const before = await counts();
    const rating = fc.integer({ min: 1, max: 5 });
    const badRating = fc.oneof(fc.constantFrom(0, 6, -1, 2.5, '3', null, true, [3], { v: 3 }), fc.integer({ min: 6 }));
    const feedbackMutation: fc.Arbitrary<[string, unknown]> = fc.oneof(
      fc.tuple(fc.constant('facilityId'), fc.oneof(notInt, fc.integer({ min: 100_000, max: 2_147_483_647 }))),
      fc.tuple(
        fc.constant('ratings'),
        fc.oneof(
          notString.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0)),
          fc
            .tuple(fc.constantFrom('waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'), badRating)
            .map(([k, v]) => ({ waitingTime: 3, staffAttitude: 3, openingHours: 3, confidentiality: 3, overall: 3, [k]: v })),
          fc.constant({ waitingTime: 3, staffAttitude: 3, openingHours: 3, confidentiality: 3 }),
          fc.constant({ waitingTime: 3, staffAttitude: 3, openingHours: 3, confidentiality: 3, overall: 3, extra: 3 }),
        ),
      ),
      fc.tuple(fc.constant('comment'), fc.oneof(notString.filter((v) => v !== null), huge(2000), fc.constant('x\u0000'))),
      fc.tuple(unknownKey, present),
      fc.tuple(fc.constantFrom('facilityId', 'ratings'), fc.constant('delete')),
    );
    const base = fc.record({ waitingTime: rating, staffAttitude: rating, openingHours: rating, confidentiality: rating, overall: rating });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.tuple(base, fc.array(feedbackMutation, { minLength: 1, maxLength: 3 })).map(([r, m]) => apply({ facilityId, ratings: r }, m)), fc.anything()),
        async (body) => {
          const res = await inject('POST', '/api/v1/public/feedback', body);
          expect4xx(res.statusCode, res.body);
        },
      ),
      { numRuns: 1000 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string().filter((s) => !/^\s*0*[1-4]\s*$/.test(s)),
          fc.integer({ min: 5, max: 2 ** 40 }).map(String),
          fc.constantFrom('-1', '1.5', '1e3', '', '0x1', 'null'),
        ),
        async (city) => {
          const res = await inject('GET', `/api/v1/public/facilities?city=${encodeURIComponent(city)}`);
          expect4xx(res.statusCode, res.body);
        },
      ),
      { numRuns: 500 },
    );
    const missing = await inject('GET', '/api/v1/public/facilities');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('city must be the id of a city');
    expect(await counts()).toEqual(before);
  });

  it('refuses oversized and non-JSON bodies with 4xx', async () => {
    const big = await inject('POST', '/api/v1/public/complaints', { cityId, category: 'other', description: 'x'.repeat(70_000) });
    expect(big.statusCode).toBe(413);
    const text = await t.app.getHttpAdapter().getInstance().inject({ method: 'POST', url: '/api/v1/public/complaints', payload: 'cityId=1', headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBeGreaterThanOrEqual(400);
    expect(text.statusCode).toBeLessThan(500);
  });
});
