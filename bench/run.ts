/**
 * The benchmark suite (`npm run bench`; not part of the tests). Every figure is printed next to a
 * baseline measured in the same run:
 *
 *  1. public intake through the whole service (autocannon, 50 connections, PUBLIC_RATE_LIMIT=0)
 *     vs a bare node:http server inserting through the same driver into the same kind of database;
 *  2. triage list (first page, and a page 10,000 rows deep) and each statistics route on a
 *     database of --complaints complaints (default 1,000,000; seeded once with seed:load), p50/p99,
 *     vs the same figures computed by plain SQL on the same file;
 *  3. intake p99 alone and while a statistics query runs in a loop beside it;
 *  4. escalations (bench/escalations.bench.ts) vs raw nodemailer → smtp-server;
 *  5. resident memory of the service at rest and under intake load: with the heap flags `npm start`
 *     uses (the default), as API (WORKER=off) + `npm run worker`, and with V8's own defaults.
 *
 *   npm run bench -- [--complaints 1000000] [--database ./data/bench-1m.sqlite] [--duration 10]
 *
 * Needs Redis at REDIS_URL (default redis://127.0.0.1:6379). Results: stdout and data/bench-results.json.
 */
import 'reflect-metadata';
import autocannon from 'autocannon';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { addDays, dateInZone } from '../src/common/dates';
import { restrictFileCreation } from '../src/common/private-files';
import { startFlags } from './node-flags';
import { dropRedisPrefix } from './redis-keys';
import { benchLogin, fetchPost } from './staff-login';

const ROOT = resolve(__dirname, '..');
const DATA = join(ROOT, 'data');
const TZ = 'Asia/Dushanbe';
const ADMIN_EMAIL = 'bench-admin@kpac.bench';
const ADMIN_PASSWORD = 'bench-admin-password-1';

const PHASES = ['intake', 'reads', 'stall', 'escalations'] as const;
type Phase = (typeof PHASES)[number];

interface Opts {
  complaints: number;
  database: string;
  duration: number;
  only: Set<Phase>;
}

function parseArgs(): Opts {
  const a = process.argv.slice(2);
  const o: Opts = { complaints: 1_000_000, database: join(DATA, 'bench-1m.sqlite'), duration: 10, only: new Set(PHASES) };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--complaints') o.complaints = Number(a[++i].replace(/_/g, ''));
    else if (a[i] === '--database') o.database = resolve(a[++i]);
    else if (a[i] === '--duration') o.duration = Number(a[++i]);
    else if (a[i] === '--skip-escalations') o.only.delete('escalations');
    else if (a[i] === '--only') {
      const wanted = a[++i].split(',');
      const unknown = wanted.filter((w) => !(PHASES as readonly string[]).includes(w));
      if (unknown.length) throw new Error(`--only takes ${PHASES.join(',')}; not ${unknown.join(',')}`);
      o.only = new Set(wanted as Phase[]);
    }
    else throw new Error(`unknown argument ${a[i]}`);
  }
  return o;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const out: string[] = [];
function print(line = ''): void {
  process.stdout.write(line + '\n');
  out.push(line);
}

function rssMb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)\s+kB/);
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function tsNode(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', script, ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitHttp(url: string, child: ChildProcess, seconds = 120): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  for (let i = 0; i < seconds * 5; i++) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

/** The compiled service (`npm run build`), run as its own process the way production runs it. */
async function startService(dbFile: string, port: number, queuePrefix: string, extraEnv: Record<string, string> = {}, nodeArgs = startFlags()): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/main.js'], {
    cwd: ROOT,
    env: serviceEnv(dbFile, port, queuePrefix, extraEnv),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', () => undefined);
  let tail = '';
  child.stderr?.on('data', (d) => (tail = (tail + String(d)).slice(-2000)));
  child.once('exit', (code, signal) => {
    if (!stopping.has(child)) print(`!! the service exited during the run (code ${code}, signal ${signal}): ${tail.trim() || '(nothing on stderr)'}`);
  });
  await waitHttp(`http://127.0.0.1:${port}/health`, child);
  return child;
}

/** Processes stop() ended on purpose; any other exit of the service is reported with its stderr. */
const stopping = new WeakSet<ChildProcess>();

/** `npm run worker` on the same database and queue prefix (the API then runs with WORKER=off). */
async function startWorker(dbFile: string, queuePrefix: string, nodeArgs = startFlags()): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs, 'dist/worker.js'], {
    cwd: ROOT,
    env: serviceEnv(dbFile, 3901, queuePrefix, { LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let seen = '';
  child.stderr?.on('data', () => undefined);
  await new Promise<void>((res, rej) => {
    child.stdout?.on('data', (d) => {
      if (seen.length < 100_000) seen += String(d);
      if (seen.includes('KPAC worker running')) res();
    });
    child.once('exit', (c) => rej(new Error(`worker exited ${c}`)));
  });
  return child;
}

function serviceEnv(dbFile: string, port: number, queuePrefix: string, extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: `sqlite:${dbFile}`,
    DATA_DIR: join(DATA, 'bench-data'),
    APP_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PUBLIC_RATE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: queuePrefix,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ...extraEnv,
  };
}

async function stop(child: ChildProcess): Promise<void> {
  stopping.add(child);
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([done, sleep(25_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  maxRssMb?: number;
  workerMaxRssMb?: number;
}

const INTAKE_BODY = (cityId: number) =>
  JSON.stringify({
    cityId,
    category: 'opening_hours',
    description: 'The methadone site closes at noon; I work until one and cannot reach it in time for my dose.',
    keyPopulations: ['people_who_use_drugs', 'plhiv'],
    gender: 'female',
    ageGroup: '36-55',
    consents: { mayContact: false, discloseIdentityToFacility: false },
  });

async function intakeLoad(url: string, cityId: number, seconds: number, pid?: number, workerPid?: number): Promise<LoadResult> {
  let maxRss = pid ? rssMb(pid) : NaN;
  let workerMax = workerPid ? rssMb(workerPid) : NaN;
  const sampler = pid
    ? setInterval(() => {
        maxRss = Math.max(maxRss, rssMb(pid));
        if (workerPid) workerMax = Math.max(workerMax, rssMb(workerPid));
      }, 250)
    : null;
  const r = await autocannon({
    url,
    method: 'POST',
    connections: 50,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: INTAKE_BODY(cityId),
  });
  if (sampler) clearInterval(sampler);
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, maxRssMb: pid ? maxRss : undefined, workerMaxRssMb: workerPid ? workerMax : undefined };
}

/**
 * Times `a` and `b` in alternation after two warm-ups of each, so both see the same background
 * work (the seeded database gives the inline worker a backlog of sweeps and mails for the first
 * minutes): timed one after the other, the service's tail met the backlog and its plain SQL an
 * idle machine. As many pairs as fit in about ten seconds, between 8 and 100: a p99 of 20 samples
 * is their maximum, one scheduling hiccup of the machine.
 */
async function timePairs(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<{ n: number; a: { p50: number; p99: number }; b: { p50: number; p99: number } }> {
  await a();
  await b();
  // The pair's cost from a second, warm pair (the first pays for cold caches).
  const t0 = process.hrtime.bigint();
  await a();
  await b();
  const pair = Number(process.hrtime.bigint() - t0) / 1e6;
  const n = Math.max(8, Math.min(100, Math.floor(10_000 / Math.max(pair, 1))));
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < n; i++) {
    for (const [k, fn] of [a, b].entries()) {
      const t = process.hrtime.bigint();
      await fn();
      times[k].push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  const [ta, tb] = times.map((ts) => {
    ts.sort((x, y) => x - y);
    return { p50: percentile(ts, 0.5), p99: percentile(ts, 0.99) };
  });
  return { n, a: ta, b: tb };
}

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

async function main(): Promise<void> {
  restrictFileCreation();
  const opts = parseArgs();
  mkdirSync(DATA, { recursive: true });
  const results: Record<string, unknown> = {};
  print(`# KPAC tracker benchmarks — ${new Date().toISOString()}`);
  print(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`);
  results.machine = { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version };

  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const queuePrefix = `kpac-bench-${randomBytes(3).toString('hex')}`;

  // 1. Intake on fresh databases: service vs raw node:http.
  const scratch = join(DATA, 'bench-scratch');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  if (opts.only.has('intake')) {
    const url = 'http://127.0.0.1:3901/api/v1/public/complaints';
    const cityId = 1;
    const serviceRun = async (file: string, run: { nodeArgs?: string[]; separateWorker?: boolean } = {}) => {
      const db = join(scratch, file);
      const service = await startService(db, 3901, queuePrefix, run.separateWorker ? { WORKER: 'off' } : {}, run.nodeArgs);
      const worker = run.separateWorker ? await startWorker(db, queuePrefix, run.nodeArgs) : null;
      const restRss = rssMb(service.pid!);
      const workerRestRss = worker ? rssMb(worker.pid!) : undefined;
      await intakeLoad(url, cityId, 2); // warm-up
      const r = await intakeLoad(url, cityId, opts.duration, service.pid, worker?.pid);
      if (worker) await stop(worker);
      await stop(service);
      return { ...r, restRssMb: restRss, workerRestRssMb: workerRestRss };
    };
    const rawRun = async (file: string) => {
      const raw = tsNode('bench/raw-intake-server.ts', ['3902', join(scratch, file)], {});
      await new Promise<void>((res, rej) => {
        raw.stdout?.on('data', (d) => String(d).includes('ready') && res());
        raw.once('exit', (c) => rej(new Error(`raw server exited ${c}`)));
      });
      await intakeLoad('http://127.0.0.1:3902/', cityId, 2);
      const r = await intakeLoad('http://127.0.0.1:3902/', cityId, opts.duration);
      await stop(raw);
      return r;
    };
    // Alternating rounds, so that a slow minute on a shared machine hits both sides.
    const rounds: { app: LoadResult & { restRssMb: number }; raw: LoadResult }[] = [];
    const flags = startFlags();
    for (let round = 1; round <= 2; round++) rounds.push({ app: await serviceRun(`intake-${round}.sqlite`), raw: await rawRun(`raw-${round}.sqlite`) });
    const split = await serviceRun('intake-split.sqlite', { separateWorker: true });
    const v8Defaults = await serviceRun('intake-v8-defaults.sqlite', { nodeArgs: [] });
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const appRps = mean(rounds.map((r) => r.app.rps));
    const rawRps = mean(rounds.map((r) => r.raw.rps));
    results.intake = { flags, rounds, split, v8Defaults, ratio: appRps / rawRps };
    print();
    print(`## Public intake, 50 connections, fresh SQLite database (${opts.duration} s per run; node ${flags.join(' ') || '(no flags)'} as npm start)`);
    for (const [n, r] of rounds.entries()) {
      print(`round ${n + 1} service  : ${r.app.rps.toFixed(0)} req/s, p50 ${r.app.p50} ms, p99 ${r.app.p99} ms, errors ${r.app.errors}, non-2xx ${r.app.non2xx}, RSS at rest ${r.app.restRssMb} MB, max ${r.app.maxRssMb} MB`);
      print(`round ${n + 1} raw http : ${r.raw.rps.toFixed(0)} req/s, p50 ${r.raw.p50} ms, p99 ${r.raw.p99} ms, errors ${r.raw.errors}, non-2xx ${r.raw.non2xx}`);
    }
    print(`mean: service ${appRps.toFixed(0)} req/s vs raw ${rawRps.toFixed(0)} req/s, ratio ${(appRps / rawRps).toFixed(2)}`);
    print(
      `API (WORKER=off) + npm run worker: ${split.rps.toFixed(0)} req/s, p50 ${split.p50} ms, p99 ${split.p99} ms; API RSS at rest ${split.restRssMb} MB, max ${split.maxRssMb} MB; worker RSS at rest ${split.workerRestRssMb} MB, max ${split.workerMaxRssMb} MB`,
    );
    print(
      `service with V8's default heap (no flags): ${v8Defaults.rps.toFixed(0)} req/s, p50 ${v8Defaults.p50} ms, p99 ${v8Defaults.p99} ms, RSS at rest ${v8Defaults.restRssMb} MB, max ${v8Defaults.maxRssMb} MB`,
    );
    print(`heap flags vs V8 defaults: throughput ${((appRps / v8Defaults.rps - 1) * 100).toFixed(1)} %, peak RSS ${Math.max(...rounds.map((r) => r.app.maxRssMb ?? 0))} vs ${v8Defaults.maxRssMb} MB`);
  }

  // 2. The big database.
  if (opts.only.has('reads') || opts.only.has('stall')) await bigDatabase(opts, results, queuePrefix);

  // 4. Escalations, measured by the escalations feature's own bench: workers inline, then as `npm run worker`.
  if (opts.only.has('escalations')) {
    print();
    print('## Escalations');
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(join(__dirname, 'escalations.bench.ts'));
      const inline = await mod.runEscalationsBench(1000, false);
      print(mod.formatEscalationsBench(inline));
      const separate = await mod.runEscalationsBench(1000, true);
      print(mod.formatEscalationsBench(separate));
      results.escalations = { inline, separate };
    } catch (err) {
      print(`escalations bench failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const dropped = await dropRedisPrefix(process.env.REDIS_URL || 'redis://127.0.0.1:6379', queuePrefix);
  rmSync(scratch, { recursive: true, force: true });
  writeFileSync(join(DATA, 'bench-results.json'), JSON.stringify(results, null, 2));
  writeFileSync(join(DATA, 'bench-results.txt'), out.join('\n') + '\n');
  print();
  print(`results: data/bench-results.json, data/bench-results.txt (removed ${dropped} Redis keys under ${queuePrefix}:)`);
  process.exit(0);
}

async function bigDatabase(opts: Opts, results: Record<string, unknown>, queuePrefix: string): Promise<void> {
  if (!existsSync(opts.database)) {
    print();
    print(`seeding ${opts.complaints} complaints into ${opts.database} …`);
    const t = Date.now();
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/seed-load.ts', '--complaints', String(opts.complaints), '--database', `sqlite:${opts.database}`], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error('seed:load failed');
    results.seedSeconds = (Date.now() - t) / 1000;
    print(`seeded in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  // The load phases below add complaints; they run on a copy so the seeded file stays as seeded
  // (otherwise each run would grow the current month and slow the next run's statistics).
  const working = join(DATA, 'bench-scratch', 'big.sqlite');
  copyFileSync(opts.database, working);
  const service = await startService(working, 3903, queuePrefix);
  const base = 'http://127.0.0.1:3903';
  const accessToken = await benchLogin(fetchPost(base), ADMIN_EMAIL, ADMIN_PASSWORD);
  const auth = { authorization: `Bearer ${accessToken}` };
  const getJson = async (path: string) => {
    const res = await fetch(base + path, { headers: auth });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.json();
  };
  const restRss = rssMb(service.pid!);

  // Plain SQL on the same file, through the same driver, for the ratios.
  const raw = new DataSource({ type: 'sqlite', database: working, enableWAL: true, busyTimeout: 10_000 });
  await raw.initialize();
  const [{ n: total }] = await raw.query('SELECT COUNT(*) AS n FROM complaints');
  print();
  print(`## Reads on a database of ${total} complaints (service p50/p99 vs plain SQL p50/p99, sequential requests, the two alternating)`);
  const today = dateInZone(new Date(), TZ);
  const lastYear = { from: addDays(today, -365), to: addDays(today, -1) };
  const fromMs = Date.parse(`${lastYear.from}T00:00:00+05:00`);
  const toMs = Date.parse(`${today}T00:00:00+05:00`);
  const O = "CASE WHEN c.status = 'resolved' THEN c.outcome END";
  const [deep] = await raw.query('SELECT received_at, id FROM complaints ORDER BY received_at DESC, id DESC LIMIT 1 OFFSET 10000');
  const deepCursor = Buffer.from(JSON.stringify([Number(deep.received_at), Number(deep.id)]), 'utf8').toString('base64url');
  const cases: { name: string; path: string; sql: string; params: unknown[] }[] = [
    { name: 'triage list, first page', path: '/api/v1/complaints?limit=25', sql: 'SELECT * FROM complaints ORDER BY received_at DESC, id DESC LIMIT 26', params: [] },
    {
      name: 'triage list, 10,000 rows deep',
      path: `/api/v1/complaints?limit=25&cursor=${deepCursor}`,
      sql: 'SELECT * FROM complaints WHERE (received_at < ? OR (received_at = ? AND id < ?)) ORDER BY received_at DESC, id DESC LIMIT 26',
      params: [deep.received_at, deep.received_at, deep.id],
    },
    {
      name: 'stats/resolution, last 365 days',
      path: `/api/v1/stats/resolution?from=${lastYear.from}&to=${lastYear.to}`,
      sql: `SELECT ${O} AS o, COUNT(*) AS n FROM complaints c WHERE c.status <> 'rejected' AND c.received_at >= ? AND c.received_at < ? GROUP BY ${O}`,
      params: [fromMs, toMs],
    },
    {
      name: 'stats/resolution, all time, by category',
      path: '/api/v1/stats/resolution?groupBy=category',
      sql: `SELECT c.category, ${O} AS o, COUNT(*) AS n FROM complaints c WHERE c.status <> 'rejected' GROUP BY c.category, ${O}`,
      params: [],
    },
    {
      name: 'stats/resolution, all time, by key population',
      path: '/api/v1/stats/resolution?groupBy=keyPopulation',
      sql: `SELECT k.key_population, ${O} AS o, COUNT(*) AS n FROM complaints c LEFT JOIN complaint_key_populations k ON k.complaint_id = c.id WHERE c.status <> 'rejected' GROUP BY k.key_population, ${O}`,
      params: [],
    },
    {
      name: 'stats/resolution, last 365 days, by quarter, one city',
      path: `/api/v1/stats/resolution?from=${lastYear.from}&to=${lastYear.to}&groupBy=quarter&city=2`,
      sql: `SELECT c.received_quarter, ${O} AS o, COUNT(*) AS n FROM complaints c WHERE c.status <> 'rejected' AND c.city_id = 2 AND c.received_at >= ? AND c.received_at < ? GROUP BY c.received_quarter, ${O}`,
      params: [fromMs, toMs],
    },
    {
      name: 'stats/sla, last 365 days',
      path: `/api/v1/stats/sla?from=${lastYear.from}&to=${lastYear.to}`,
      sql: `SELECT e.facility_id, COUNT(*), SUM(CASE WHEN e.responded_at IS NOT NULL AND e.responded_at <= e.due_at THEN 1 ELSE 0 END) FROM escalations e WHERE e.created_at >= ? AND e.created_at < ? GROUP BY e.facility_id`,
      params: [fromMs, toMs],
    },
    {
      name: 'stats/feedback, last 365 days',
      path: `/api/v1/stats/feedback?from=${lastYear.from}&to=${lastYear.to}`,
      sql: 'SELECT facility_id, quarter, COUNT(*), AVG(overall * 1.0) FROM feedback WHERE created_at >= ? AND created_at < ? GROUP BY facility_id, quarter',
      params: [fromMs, toMs],
    },
    { name: 'stats/councils, this year', path: '/api/v1/stats/councils', sql: 'SELECT council_id, COUNT(*) FROM terms GROUP BY council_id', params: [] },
  ];
  const reads: Record<string, unknown>[] = [];
  for (const c of opts.only.has('reads') ? cases : []) {
    const { n, a: svc, b: sql } = await timePairs(() => getJson(c.path), () => raw.query(c.sql, c.params));
    reads.push({ name: c.name, samples: n, service: svc, sql });
    print(`${c.name.padEnd(52)} service ${f1(svc.p50).padStart(7)} / ${f1(svc.p99).padStart(7)} ms   plain SQL ${f1(sql.p50).padStart(7)} / ${f1(sql.p99).padStart(7)} ms   (${n} pairs)`);
  }
  results.reads = reads;

  // 3. Intake alone and beside a statistics loop, on the big database.
  if (!opts.only.has('stall')) {
    await raw.destroy();
    await stop(service);
    return;
  }
  print();
  print('## Intake p99 with a statistics query looping beside it (big database)');
  const intakeUrl = `${base}/api/v1/public/complaints`;
  await intakeLoad(intakeUrl, 1, 2);
  const alone = await intakeLoad(intakeUrl, 1, opts.duration, service.pid);
  let looping = true;
  let statsRuns = 0;
  const loop = (async () => {
    while (looping) {
      await getJson('/api/v1/stats/resolution?groupBy=keyPopulation');
      await getJson(`/api/v1/stats/sla?from=${lastYear.from}&to=${lastYear.to}`);
      statsRuns += 2;
    }
  })();
  const beside = await intakeLoad(intakeUrl, 1, opts.duration, service.pid);
  looping = false;
  await loop;
  results.stall = { alone, beside, statsRuns };
  print(`intake alone         : ${alone.rps.toFixed(0)} req/s, p50 ${alone.p50} ms, p99 ${alone.p99} ms`);
  print(`intake beside stats  : ${beside.rps.toFixed(0)} req/s, p50 ${beside.p50} ms, p99 ${beside.p99} ms (${statsRuns} statistics requests meanwhile)`);
  print(`p99 ratio            : ${(beside.p99 / alone.p99).toFixed(2)}`);
  print(`memory               : RSS at rest ${restRss} MB, max under intake load ${Math.max(alone.maxRssMb ?? 0, beside.maxRssMb ?? 0)} MB`);
  results.bigDbMemory = { restRssMb: restRss, loadRssMb: Math.max(alone.maxRssMb ?? 0, beside.maxRssMb ?? 0) };
  await raw.destroy();
  await stop(service);
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
