import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import sqlite3 = require('sqlite3');
import { STATE_DIR } from '../support/global-setup';
import { freePort } from '../support/queue-redis';
import { ensureBuilt, EntryProcess } from '../support/service-process';
import { createTestDatabase, usePostgres } from '../support/test-app';

/**
 * Issue 14, item 4: an answer of 201 means the complaint is on disk. The built service runs as its
 * own process (`nest build`, then dist/main.js, as `npm start` runs it); 1,000 public submissions arrive over 50
 * keep-alive connections; the process is killed with SIGKILL half-way; restarted on the same
 * files it tracks every reference it had acknowledged, and no complaint lacks its timeline entry
 * or its audit row (the three are one transaction).
 */
const TOTAL = 1000;
const CONNECTIONS = 50;
const KILL_AFTER = 400;

type Reply = { status: number; body: any };

function post(agent: Agent, port: number, path: string, body: unknown): Promise<Reply> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function getJson(port: number, path: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return res.json();
}

/** Rows straight from the database files, as the restarted service left them. */
async function query<T>(url: string, sql: string): Promise<T[]> {
  if (usePostgres) {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  }
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const d = new sqlite3.Database(url.slice('sqlite:'.length), sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(d)));
  });
  try {
    return await new Promise<T[]>((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
  } finally {
    await new Promise((r) => db.close(r));
  }
}

describe(`acknowledged submissions survive SIGKILL on ${usePostgres ? 'PostgreSQL' : 'SQLite'} (issue 14, item 4)`, () => {
  const dataDir = join(STATE_DIR, `durable-${randomBytes(4).toString('hex')}`);
  let databaseUrl: string;
  let drop: () => Promise<void>;
  let env: Record<string, string>;
  let service: EntryProcess | null = null;

  const start = async () => {
    service = new EntryProcess('dist/main.js', [], env);
    await service.waitFor(/listening on/, 90_000);
    return service;
  };

  beforeAll(async () => {
    ensureBuilt();
    const db = await createTestDatabase();
    databaseUrl = db.url;
    drop = db.drop;
    env = {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      APP_SECRET: 'durable-secret-0123456789abcdef0123456789ab',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      REDIS_URL: process.env.TEST_REDIS_URL!,
      QUEUE_PREFIX: `kpac-test-${randomBytes(4).toString('hex')}`,
      PUBLIC_RATE_LIMIT: '0',
      WORKER: 'off',
      // info: the line saying it listens is logged at info.
      LOG_LEVEL: 'info',
    };
  }, 300_000);
  afterAll(async () => {
    await service?.stop('SIGKILL');
    await drop?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every reference answered 201 before the kill is there after a restart; no complaint is partial', async () => {
    service = await start();
    const port = Number(env.PORT);
    const cities = (await getJson(port, '/api/v1/public/cities')) as { id: number }[];
    const cityId = cities[0].id;

    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const acked: { reference: string; trackingCode: string }[] = [];
    const refused: number[] = [];
    let next = 0;
    let killed = false;
    const connection = async () => {
      while (next < TOTAL && !killed) {
        const i = next++;
        try {
          const res = await post(agent, port, '/api/v1/public/complaints', { cityId, category: 'waiting_time', description: `Durability ${i}`, contact: { phone: `+992 92 ${i}` } });
          if (res.status === 201) acked.push(res.body);
          else refused.push(res.status);
        } catch {
          // The connection died with the process: not acknowledged, so nothing is owed.
        }
        if (!killed && acked.length >= KILL_AFTER) {
          killed = true;
          service!.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, connection));
    agent.destroy();
    expect(killed).toBe(true);
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(refused).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(acked.length).toBeLessThan(TOTAL);

    service = await start();
    const stored = new Set((await query<{ reference: string }>(databaseUrl, 'SELECT reference FROM complaints')).map((r) => r.reference));
    expect(acked.filter((a) => !stored.has(a.reference)).map((a) => a.reference)).toEqual([]);
    const partial = await query<{ reference: string }>(
      databaseUrl,
      `SELECT c.reference FROM complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id AND e.type = 'submitted')
         OR NOT EXISTS (SELECT 1 FROM audit_events x WHERE x.entity = 'complaint' AND x.entity_id = CAST(c.id AS VARCHAR(64)) AND x.action = 'complaint.submit')`,
    );
    expect(partial).toEqual([]);

    // The restarted service tracks each of them with the code it handed out.
    const tracker = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const misses: string[] = [];
    let k = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (k < acked.length) {
          const a = acked[k++];
          const res = await post(tracker, port, '/api/v1/public/complaints/track', { reference: a.reference, trackingCode: a.trackingCode });
          if (res.status !== 200 || res.body.reference !== a.reference) misses.push(`${a.reference}: ${res.status}`);
        }
      }),
    );
    tracker.destroy();
    expect(misses).toEqual([]);
    await service.stop();
  }, 240_000);
});
