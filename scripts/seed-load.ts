/**
 * Fills a database with realistic synthetic data for load tests and benchmarks:
 * cities and councils, facilities per city with a city authority above them, members with terms
 * and trainings, complaints over five years with REAct's outcome, key-population, gender and age
 * distributions, feedback, and escalations (with some climbing to the authority).
 *
 *   npm run seed:load -- --complaints 1000000 [--database sqlite:./data/load.sqlite] [--years 5] [--seed 1]
 *
 * DATABASE_URL is used when --database is not given. Migrations run first. Rows are written with
 * multi-row INSERTs through the TypeORM DataSource, many thousands per transaction.
 */
import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import { loadConfig } from '../src/config/app-config';
import { restrictFileCreation } from '../src/common/private-files';
import { addMonths, addDays, dateInZone } from '../src/common/dates';
import {
  AgeGroup,
  Category,
  Channel,
  ComplaintStatus,
  DECLINE_REASONS,
  Gender,
  KeyPopulation,
  Outcome,
  Priority,
  REJECT_REASONS,
  RejectReason,
  ResponsiblePartyType,
} from '../src/complaints/complaint.constants';
import { formatReference } from '../src/complaints/complaint-reference';
import { complaintRow } from '../src/complaints/complaint-row';
import { Complaint } from '../src/complaints/complaint.entity';
import { CONSTITUENCIES, TERM_END_REASONS } from '../src/councils/council.constants';
import { SEED_CITIES } from '../src/councils/reference-data.service';
import { dataSourceOptions } from '../src/database/data-source-options';
import { openDataSource } from '../src/database/startup-lock';
import { ResponseState } from '../src/escalations/escalation.constants';
import { paramList, toDialect } from '../src/database/sql-dialect';
import { FacilityType, Language } from '../src/facilities/facility.constants';
import { EscalationRollup } from '../src/statistics/escalation-rollup';
import { MonthlyRollup, RollupDb } from '../src/statistics/monthly-rollup';

interface Options {
  complaints: number;
  database: string;
  years: number;
  seed: number;
  quiet: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { complaints: 100_000, database: process.env.DATABASE_URL || 'sqlite:./data/load.sqlite', years: 5, seed: 1, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--complaints') opts.complaints = Number(next().replace(/_/g, ''));
    else if (a === '--database') opts.database = next();
    else if (a === '--years') opts.years = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('npm run seed:load -- --complaints 1000000 [--database sqlite:./data/load.sqlite] [--years 5] [--seed 1]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.complaints) || opts.complaints < 0) throw new Error('--complaints must be a whole number');
  return opts;
}

/** Deterministic PRNG (mulberry32) so two runs with one seed produce the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  /** Weighted choice from [value, weight] pairs. */
  const weighted = <T>(pairs: readonly (readonly [T, number])[]) => {
    const total = pairs.reduce((s, [, w]) => s + w, 0);
    const cum: number[] = [];
    let acc = 0;
    for (const [, w] of pairs) cum.push((acc += w / total));
    return () => {
      const r = next();
      for (let i = 0; i < cum.length; i++) if (r < cum[i]) return pairs[i][0];
      return pairs[pairs.length - 1][0];
    };
  };
  const hex = (len: number) => {
    let s = '';
    while (s.length < len) s += ((next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, len);
  };
  return { next, int, pick, weighted, hex };
}

const DAY = 86_400_000;

const CITY_WEIGHTS: Record<string, number> = { DSH: 40, KHJ: 25, BKH: 20, KLB: 15 };

const FACILITY_TEMPLATES: [string, FacilityType][] = [
  ['OST site No. 1', 'ost_site'],
  ['OST site No. 2', 'ost_site'],
  ['City AIDS Centre', 'aids_centre'],
  ['TB dispensary', 'tb_facility'],
  ['Narcological (drug treatment) centre', 'drug_treatment'],
  ['City hospital', 'hospital'],
  ['Polyclinic No. 3', 'clinic'],
  ['Harm-reduction NGO drop-in', 'ngo_service'],
  ['Social protection office', 'social_services'],
  ['Police department', 'law_enforcement'],
];
const FACILITY_LANGUAGES: Language[] = ['tg', 'ru'];

/*
 * Weights over the service's own vocabularies (src/complaints/complaint.constants.ts): a Record
 * over each type, so a value added there is a compile error here until it is given a weight.
 * `null` is "not recorded".
 */
type Weights<T extends string> = Record<T, number>;
const pairs = <T extends string>(w: Weights<T>, notRecorded?: number): [T | null, number][] => [
  ...(Object.entries(w) as [T, number][]),
  ...(notRecorded === undefined ? [] : [[null, notRecorded] as [null, number]]),
];

const CATEGORY: Weights<Category> = {
  opening_hours: 9,
  waiting_time: 12,
  staff_attitude: 20,
  denial_of_service: 12,
  confidentiality_breach: 9,
  medication_stockout: 8,
  quality_of_care: 10,
  police_interference: 8,
  informal_payment: 5,
  violence_or_abuse: 4,
  other: 3,
};

/** REAct Tajikistan H1-2023 key-population counts. */
const KEY_POPULATION: Weights<KeyPopulation> = {
  plhiv: 279,
  affected_by_tb: 56,
  former_prisoner: 71,
  people_who_use_drugs: 71,
  hepatitis_c: 35,
  sex_worker: 49,
  lgbtiq: 49,
  not_key_population: 46,
  migrant: 38,
  alcohol_dependence: 26,
  sexual_partner_of_pwid: 14,
  other: 25,
  disability: 6,
  homeless: 6,
  prisoner: 2,
  prefers_not_to_say: 3,
};

const GENDER: Weights<Gender> = { female: 52.2, male: 46.8, transgender_female: 0.4, transgender_male: 0.4, unknown: 0.2 };
const AGE: Weights<AgeGroup> = { '0-15': 0.6, '16-18': 0.4, '19-35': 51.5, '36-55': 42.3, '56+': 5.2 };

/** REAct reaction status shares, without in-progress (which comes from the complaint's age). */
const OUTCOME: Weights<Outcome> = {
  resolved_positive: 66.9,
  resolved_partial: 10.5,
  resolved_negative: 2.1,
  unresolved_no_assistance: 1.2,
  unresolved_client_declined: 4.3,
  no_resolution_required: 0.6,
  unresolved_lost_contact: 0.4,
  unresolved_client_deceased: 0.1,
};

const CHANNEL: Weights<Channel> = { web: 55, paper_form: 20, hotline: 10, outreach: 13, other: 2, telegram: 0 };
const RESPONSIBLE: Weights<ResponsiblePartyType> = { healthcare: 60, individual: 15, state_service: 10, police: 12, other: 3 };
const PRIORITY: Weights<Priority> = { low: 1, normal: 3, high: 1, urgent: 1 };

const DESCRIPTIONS = [
  'The methadone site closes at noon; I work until one and cannot reach it in time to receive my dose.',
  'The nurse told my neighbour about my HIV status. Now people in the mahalla avoid my family.',
  'I waited four hours for the doctor at the AIDS centre and was sent home without seeing anyone.',
  'The pharmacy at the TB dispensary had no medicine for two weeks and told me to buy it at the bazaar.',
  'A police officer waited outside the OST site and took the names of people coming for treatment.',
  'Staff at the polyclinic refused to take my blood sample when they learned I use drugs.',
  'I was asked to pay for a test that should be free for people living with HIV.',
  'The doctor shouted at me and said people like me do not deserve treatment.',
  'My file with my diagnosis was left on the desk where other patients could read it.',
  'The social protection office refused to register me because I have no propiska.',
  'At the narcological centre they made me sign a paper that my employer would be informed.',
  'The hospital would not admit my son because of his tuberculosis diagnosis.',
];
const SUMMARIES = [
  'A service user reports that opening hours prevent access to daily OST dosing.',
  'A service user reports disclosure of health status by staff.',
  'A service user reports a long wait and no consultation.',
  'A service user reports a medication stock-out.',
  'A service user reports being refused a service.',
];

async function main(): Promise<void> {
  restrictFileCreation();
  const opts = parseArgs(process.argv.slice(2));
  const config = loadConfig({ ...process.env, DATABASE_URL: opts.database });
  const tz = config.timeZone;
  const ds = await openDataSource(dataSourceOptions(config.database));
  const sqlite = ds.options.type === 'sqlite';
  if (sqlite) {
    // A load is re-runnable, so durability per commit does not matter here; speed does.
    await ds.query('PRAGMA synchronous = OFF');
    await ds.query('PRAGMA cache_size = -200000');
    await ds.query('PRAGMA foreign_keys = OFF');
  }
  const r = rng(opts.seed);
  const q = (sql: string, params: unknown[] = []) => ds.query(toDialect(sql, sqlite), params);
  const now = Date.now();
  const today = dateInZone(new Date(now), tz);
  const start = now - Math.round(opts.years * 365.25 * DAY);
  const startDate = dateInZone(new Date(start), tz);
  const log = (s: string) => !opts.quiet && process.stdout.write(s + '\n');
  const t0 = Date.now();

  /** Multi-row insert: as many rows per statement as the parameter limit allows. */
  async function insertRows(table: string, columns: string[], rows: unknown[][]): Promise<void> {
    const per = Math.max(1, Math.floor((sqlite ? 32_000 : 60_000) / columns.length));
    for (let i = 0; i < rows.length; i += per) {
      const params: unknown[] = [];
      const tuples = rows.slice(i, i + per).map((row) => `(${paramList(params, row)})`);
      await q(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    }
  }
  const inTransaction = async (work: () => Promise<void>) => {
    await q('BEGIN');
    try {
      await work();
      await q('COMMIT');
    } catch (e) {
      await q('ROLLBACK');
      throw e;
    }
  };

  // Reference data: the cities the service seeds on start, with a council each.
  for (const { name, code } of SEED_CITIES) {
    if (!(await q('SELECT id FROM cities WHERE code = $1', [code])).length) await q('INSERT INTO cities (name, code, created_at) VALUES ($1, $2, $3)', [name, code, now]);
    const [city] = await q('SELECT id FROM cities WHERE code = $1', [code]);
    if (!(await q('SELECT id FROM councils WHERE city_id = $1', [city.id])).length) {
      await q('INSERT INTO councils (city_id, name, seats, term_months, created_at) VALUES ($1, $2, 4, 24, $3)', [city.id, `KPAC ${name}`, now]);
    }
  }
  const cities: { id: number; code: string; name: string }[] = (await q('SELECT id, code, name FROM cities ORDER BY id')).map((c: any) => ({ id: Number(c.id), code: c.code, name: c.name }));
  const councils: { id: number; cityId: number; seats: number; termMonths: number }[] = (await q('SELECT id, city_id, seats, term_months FROM councils')).map((c: any) => ({
    id: Number(c.id),
    cityId: Number(c.city_id),
    seats: Number(c.seats),
    termMonths: Number(c.term_months),
  }));

  // Facilities: a national authority, a city health department per city, ten services under it.
  const facilitiesByCity = new Map<number, { id: number; parentId: number; slaDays: number }[]>();
  const authorityOf = new Map<number, number>();
  await inTransaction(async () => {
    const ins = async (name: string, cityId: number, type: FacilityType, parentId: number | null, sla: number) => {
      await q('INSERT INTO facilities (name, city_id, type, contact_emails, language, sla_days, parent_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
        name,
        cityId,
        type,
        JSON.stringify([`${type.replace(/_/g, '-')}-${cityId}-${r.hex(4)}@facility.example`]),
        r.pick(FACILITY_LANGUAGES),
        sla,
        parentId,
        now,
        now,
      ]);
      const [row] = await q('SELECT MAX(id) AS id FROM facilities');
      return Number(row.id);
    };
    const dsh = cities.find((c) => c.code === 'DSH') ?? cities[0];
    const national = await ins('Republican AIDS Centre (load)', dsh.id, 'authority', null, 15);
    for (const c of cities) {
      const authority = await ins(`${c.name} city health department (load)`, c.id, 'authority', national, 14);
      authorityOf.set(c.id, authority);
      const list: { id: number; parentId: number; slaDays: number }[] = [];
      for (const [name, type] of FACILITY_TEMPLATES) {
        const sla = r.pick([7, 10, 10, 10, 14]);
        list.push({ id: await ins(`${c.name} ${name} (load)`, c.id, type, authority, sla), parentId: authority, slaDays: sla });
      }
      facilitiesByCity.set(c.id, list);
    }
  });
  log(`facilities: ${FACILITY_TEMPLATES.length * cities.length + cities.length + 1}`);

  // Members, terms and trainings: each seat is a chain of terms, some ended early, some gaps.
  await inTransaction(async () => {
    const termRows: unknown[][] = [];
    const trainingRows: unknown[][] = [];
    for (const council of councils) {
      for (let seat = 0; seat < council.seats; seat++) {
        let termStart = addDays(startDate, -r.int(700));
        let memberId: number | null = null;
        while (termStart <= today) {
          if (memberId === null || r.next() > 0.3) {
            await q('INSERT INTO members (council_id, name, created_at) VALUES ($1, $2, $3)', [council.id, `Load member ${r.hex(6)}`, now]);
            memberId = Number((await q('SELECT MAX(id) AS id FROM members'))[0].id);
          }
          const termEnd = addMonths(termStart, council.termMonths);
          let endedOn: string | null = null;
          if (r.next() < 0.15) {
            const early = addDays(termStart, 30 + r.int(600));
            if (early < termEnd && early <= today) endedOn = early;
          }
          termRows.push([memberId, council.id, r.pick(CONSTITUENCIES), termStart, termEnd, endedOn, endedOn ? r.pick(TERM_END_REASONS) : null, now]);
          for (let k = 0; k < 1 + r.int(3); k++) trainingRows.push([memberId, r.pick(['Complaint handling', 'Confidentiality', 'Advocacy with facilities', 'REAct documentation']), addDays(termStart, r.int(600)), now]);
          const off = endedOn ?? termEnd;
          termStart = addDays(off, r.next() < 0.5 ? 0 : r.int(90));
        }
      }
    }
    await insertRows('terms', ['member_id', 'council_id', 'constituency', 'term_start', 'term_end', 'ended_on', 'end_reason', 'created_at'], termRows);
    await insertRows('trainings', ['member_id', 'topic', 'date', 'created_at'], trainingRows.filter((t) => (t[2] as string) <= today));
    log(`terms: ${termRows.length}, trainings: ${trainingRows.length}`);
  });

  // Complaints.
  const pickCity = r.weighted(cities.map((c) => [c, CITY_WEIGHTS[c.code] ?? 10] as const));
  const pickCategory = r.weighted(pairs(CATEGORY));
  const pickKp = r.weighted(pairs(KEY_POPULATION));
  const pickGender = r.weighted(pairs(GENDER, 3));
  const pickAge = r.weighted(pairs(AGE, 3));
  const pickOutcome = r.weighted(pairs(OUTCOME));
  const pickChannel = r.weighted(pairs(CHANNEL));
  const pickResponsible = r.weighted(pairs(RESPONSIBLE, 10));
  const pickPriority = r.weighted(pairs(PRIORITY));
  // Local date of an instant, cached per quarter-hour (every real zone offset is a multiple of it).
  const dateCache = new Map<number, string>();
  // One formatter, reused: building an Intl.DateTimeFormat per call costs tens of microseconds.
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
  const localDate = (ms: number) => {
    const slot = Math.floor(ms / 900_000);
    let v = dateCache.get(slot);
    if (!v) dateCache.set(slot, (v = fmt.format(new Date(slot * 900_000))));
    return v;
  };
  const quarterOf = (ms: number) => {
    const d = localDate(ms);
    return `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
  };
  const yearOf = (ms: number) => Number(localDate(ms).slice(0, 4));

  let nextId = Number((await q('SELECT COALESCE(MAX(id), 0) AS id FROM complaints'))[0].id) + 1;
  let nextEscalationId = Number((await q('SELECT COALESCE(MAX(id), 0) AS id FROM escalations'))[0].id) + 1;
  const counters = new Map<string, number>();
  for (const row of await q('SELECT city_id, year, last_value FROM reference_counters')) counters.set(`${row.city_id}:${row.year}`, Number(row.last_value));

  // Complaint rows come from the intake's own row builder and the entity's columns, so a new
  // column needs no change here.
  const complaintMeta = ds.getMetadata(Complaint);
  const complaintColumns = complaintMeta.columns.map((c) => c.databaseName);
  const complaintCells = (row: Partial<Complaint>) => complaintMeta.columns.map((c) => ds.driver.preparePersistentValue((row as Record<string, unknown>)[c.propertyName] ?? null, c));
  const escalationColumns = [
    'id', 'complaint_id', 'city_id', 'facility_id', 'rung', 'parent_escalation_id', 'summary', 'identity_disclosed', 'due_at', 'delivery_state',
    'response_state', 'response', 'responded_at', 'responded_by', 'token_hash', 'token_enc', 'token_expires_at', 'token_used_at', 'created_by',
    'created_at', 'updated_at', 'last_error',
  ];
  // Building an index once over sorted data is far cheaper than maintaining it row by row: on
  // SQLite the secondary indexes of the bulk tables are dropped for the load and rebuilt after.
  // The statistics triggers would mark every inserted complaint's month for recounting (~20% of
  // the load's time); every month is counted once at the end instead, so they are set aside too:
  // on SQLite dropped and re-created from the very SQL their migration installed (read back from
  // sqlite_master, like the indexes), on PostgreSQL disabled and enabled again.
  const bulkTables = ['complaints', 'complaint_key_populations', 'feedback', 'escalations'];
  const tableParams: unknown[] = [];
  const tableList = paramList(tableParams, bulkTables);
  const setAside: { type: 'index' | 'trigger'; name: string; sql: string }[] = sqlite
    ? (await q(`SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (${tableList})`, tableParams)).filter(
        (i: { sql: string }) => !/UNIQUE/i.test(i.sql),
      )
    : [];
  for (const i of setAside) await q(`DROP ${i.type === 'index' ? 'INDEX' : 'TRIGGER'} "${i.name}"`);
  const triggerTables = ['complaints', 'complaint_key_populations', 'escalations'];
  if (!sqlite) for (const table of triggerTables) await q(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  let restored = false;
  const restoreSetAside = async () => {
    if (restored) return;
    restored = true;
    const t = Date.now();
    if (!sqlite) for (const table of triggerTables) await q(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    for (const i of setAside) await q(i.sql);
    log(`indexes and triggers restored in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  process.once('SIGINT', () => {
    void restoreSetAside().finally(() => process.exit(130));
  });
  const BATCH = 20_000;
  let escalationCount = 0;
  let kpCount = 0;
  const feedbackTotal = Math.floor(opts.complaints / 4);
  try {
    const bar = opts.quiet ? null : new SingleBar({ format: 'complaints [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta}s', hideCursor: true }, Presets.shades_classic);
    bar?.start(opts.complaints, 0, { rate: 0 });
    const span = now - start;
    for (let done = 0; done < opts.complaints; done += BATCH) {
      const n = Math.min(BATCH, opts.complaints - done);
      const complaints: unknown[][] = [];
      const kps: unknown[][] = [];
      const escalations: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const id = nextId++;
        // Volume grows over the years: received_at follows sqrt so later years hold more complaints.
        const pos = (done + i + r.next()) / Math.max(1, opts.complaints);
        const receivedAt = Math.min(now - 60_000, Math.round(start + Math.sqrt(pos) * span));
        const age = (now - receivedAt) / DAY;
        const city = pickCity();
        const facilities = facilitiesByCity.get(city.id)!;
        const facility = r.next() < 0.85 ? r.pick(facilities) : null;
        let status: ComplaintStatus;
        let outcome: Outcome | null = null;
        let rejectReason: RejectReason | null = null;
        if (r.next() < 0.04) {
          status = 'rejected';
          rejectReason = r.pick(REJECT_REASONS);
        } else if (r.next() < (age > 120 ? 0.97 : (age / 120) * 0.8)) {
          status = 'resolved';
          outcome = pickOutcome();
        } else status = age < 3 ? 'received' : r.pick(['in_review', 'escalated', 'escalated', 'responded']);
        const outcomeAt = outcome ? Math.min(now - 1000, receivedAt + (5 + r.int(60)) * DAY) : null;
        const kpList: KeyPopulation[] = [];
        const kpN = r.next() < 0.05 ? 0 : r.next() < 0.7 ? 1 : r.next() < 0.8 ? 2 : 3;
        while (kpList.length < kpN) {
          const k = pickKp()!;
          if (!kpList.includes(k)) kpList.push(k);
        }
        const year = yearOf(receivedAt);
        const key = `${city.id}:${year}`;
        const seq = (counters.get(key) ?? 0) + 1;
        counters.set(key, seq);
        const desiredOutcome = r.next() < 0.5 ? 'That the site opens longer and staff respect confidentiality.' : null;
        const incidentDate = r.next() < 0.7 ? localDate(receivedAt - r.int(20) * DAY) : null;
        complaints.push(
          complaintCells(
            complaintRow(
              {
                id,
                reference: formatReference(city.code, year, seq),
                trackingHash: r.hex(64),
                channel: pickChannel()!,
                cityId: city.id,
                facilityId: facility?.id ?? null,
                category: pickCategory()!,
                description: r.pick(DESCRIPTIONS),
                desiredOutcome,
                incidentDate,
                keyPopulations: kpList,
                gender: pickGender(),
                ageGroup: pickAge(),
                responsiblePartyType: pickResponsible(),
                mayContact: r.next() < 0.4,
                discloseIdentityToFacility: r.next() < 0.1,
                priority: pickPriority() ?? 'normal',
                status,
                rejectReason,
                outcome,
                declineReason: outcome === 'unresolved_client_declined' ? r.pick(DECLINE_REASONS) : null,
                outcomeAt: outcomeAt === null ? null : new Date(outcomeAt),
                complainantVerified: outcome && r.next() < 0.2 ? r.next() < 0.85 : null,
                receivedAt: new Date(receivedAt),
                createdAt: new Date(receivedAt),
                updatedAt: new Date(outcomeAt ?? receivedAt),
              },
              tz,
            ),
          ),
        );
        for (const k of kpList) kps.push([id, k]);
        const escalated = status === 'escalated' || status === 'responded' || (status === 'resolved' && r.next() < 0.6);
        if (facility && escalated) {
          const created = Math.min(now - 1000, receivedAt + (1 + r.int(6)) * DAY);
          const due = created + facility.slaDays * DAY;
          const answerDays = 0.5 + r.next() * r.next() * 25;
          const answered = status !== 'escalated' && created + answerDays * DAY < now ? created + Math.round(answerDays * DAY) : null;
          const state: ResponseState = answered ? 'responded' : due < now ? 'overdue' : 'awaiting';
          const escId = nextEscalationId++;
          escalations.push([escId, id, city.id, facility.id, 1, null, r.pick(SUMMARIES), false, due, 'sent', state, answered ? 'We have changed the schedule and spoken to the staff concerned.' : null, answered, null, r.hex(64), null, due + 14 * DAY, answered, null, created, answered ?? created, null]);
          // Late or missing answers climb the ladder to the city health department.
          if ((answered === null && due < now) || (answered !== null && answered > due && r.next() < 0.5)) {
            const created2 = due;
            const due2 = created2 + 14 * DAY;
            const answered2 = created2 + 3 * DAY < now && r.next() < 0.8 ? created2 + Math.round((1 + r.next() * 12) * DAY) : null;
            const state2: ResponseState = answered2 && answered2 < now ? 'responded' : due2 < now ? 'overdue' : 'awaiting';
            escalations.push([nextEscalationId++, id, city.id, facility.parentId, 2, escId, r.pick(SUMMARIES), false, due2, 'sent', state2, state2 === 'responded' ? 'Forwarded to the site with instructions.' : null, state2 === 'responded' ? answered2 : null, null, r.hex(64), null, due2 + 14 * DAY, null, null, created2, created2, null]);
          }
        }
      }
      await inTransaction(async () => {
        await insertRows('complaints', complaintColumns, complaints);
        await insertRows('complaint_key_populations', ['complaint_id', 'key_population'], kps);
        if (escalations.length) await insertRows('escalations', escalationColumns, escalations);
      });
      escalationCount += escalations.length;
      kpCount += kps.length;
      bar?.update(done + n, { rate: Math.round((done + n) / Math.max(0.001, (Date.now() - t0) / 1000)) });
    }
    bar?.stop();

    // Reference counters continue after the generated references.
    await inTransaction(async () => {
      for (const [key, value] of counters) {
        const [cityId, year] = key.split(':').map(Number);
        await q('DELETE FROM reference_counters WHERE city_id = $1 AND year = $2', [cityId, year]);
        await q('INSERT INTO reference_counters (city_id, year, last_value) VALUES ($1, $2, $3)', [cityId, year, value]);
      }
    });

    // Feedback: one rating for every four complaints, spread over the same years.
    const allFacilities = [...facilitiesByCity.values()].flat();
    const rating = r.weighted([
      [1, 8],
      [2, 12],
      [3, 25],
      [4, 30],
      [5, 25],
    ] as const);
    for (let done = 0; done < feedbackTotal; done += BATCH) {
      const n = Math.min(BATCH, feedbackTotal - done);
      const rows: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const at = Math.round(start + r.next() * span);
        rows.push([r.pick(allFacilities).id, rating(), rating(), rating(), rating(), rating(), r.next() < 0.2 ? 'Staff were kind this time.' : null, at, quarterOf(at)]);
      }
      await inTransaction(() => insertRows('feedback', ['facility_id', 'waiting_time', 'staff_attitude', 'opening_hours', 'confidentiality', 'overall', 'comment', 'created_at', 'quarter'], rows));
    }
  } finally {
    await restoreSetAside();
  }

  // Count every month into the statistics rollup now, so the first request does not have to.
  const tr = Date.now();
  const rollupDb: RollupDb = {
    isSqlite: sqlite,
    query: (sql, params = []) => q(sql, params),
    transaction: async (work) => {
      await q('BEGIN');
      try {
        await work((sql, params = []) => q(sql, params));
        await q('COMMIT');
      } catch (e) {
        await q('ROLLBACK');
        throw e;
      }
    },
  };
  const rollup = new MonthlyRollup(rollupDb, tz);
  const escalationRollup = new EscalationRollup(rollupDb, tz);
  const [bounds] = await q('SELECT MIN(received_at) AS lo, MAX(received_at) AS hi FROM complaints');
  if (bounds && bounds.lo !== null) {
    let months = 0;
    for (let m = rollup.monthOf(Number(bounds.lo)); m <= rollup.monthOf(Number(bounds.hi)); m = rollup.nextMonth(m), months++) await rollup.rebuildMonth(m);
    await q('DELETE FROM complaint_stats_dirty');
    log(`statistics rollup: ${months} months counted in ${((Date.now() - tr) / 1000).toFixed(1)} s`);
  }
  const te = Date.now();
  const [eb] = await q('SELECT MIN(created_at) AS lo, MAX(created_at) AS hi FROM escalations');
  if (eb && eb.lo !== null) {
    const m = escalationRollup.months;
    let months = 0;
    for (let month = m.monthOf(Number(eb.lo)); month <= m.monthOf(Number(eb.hi)); month = m.nextMonth(month), months++) await escalationRollup.rebuildMonth(month);
    await q('DELETE FROM escalation_stats_dirty');
    log(`escalation rollup: ${months} months counted in ${((Date.now() - te) / 1000).toFixed(1)} s`);
  }
  if (!sqlite) {
    // Ids were assigned here; move the sequences past them.
    for (const table of ['complaints', 'escalations']) {
      await q(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM ${table}))`);
    }
  }
  // Planner statistics, so the new indexes are chosen on a fresh database.
  await ds.query('ANALYZE');
  await ds.destroy();
  log(
    `done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${opts.complaints} complaints, ${kpCount} key-population rows, ${escalationCount} escalations, ${feedbackTotal} ratings → ${opts.database}`,
  );
}

main().catch((err) => {
  process.stderr.write(`seed:load failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
