import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { Client } from 'pg';
import { BackupFileError } from './backup-file';
import type { SnapshotFacts } from './sqlite-snapshot';
import { childProcessEnv } from '../config/config-values';

/** A connection URL without its password (which goes in PGPASSWORD, not on a command line others can list). */
function clientArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: childProcessEnv(password ? { PGPASSWORD: password } : {}) };
}

/** Stops with one line when a PostgreSQL client program is not installed. */
export function requireTool(tool: 'pg_dump' | 'pg_restore'): void {
  const probe = spawnSync(tool, ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new BackupFileError(`${tool} is not on the PATH: install the PostgreSQL client programs (e.g. apt-get install postgresql-client) of the server's major version or newer`);
  }
}

async function facts(client: Client): Promise<SnapshotFacts> {
  const tables = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name");
  const rowCounts: Record<string, number> = {};
  for (const { name } of tables.rows) rowCounts[name] = Number((await client.query(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`)).rows[0].n);
  const last = tables.rows.some((t) => t.name === 'migrations') ? (await client.query('SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1')).rows : [];
  return { schemaVersion: last[0]?.name ?? '', rowCounts };
}

/**
 * `pg_dump --format=custom` of the database, as a stream, and the facts of the very same
 * snapshot: a repeatable-read transaction exports its snapshot, counts the rows in it, and
 * pg_dump reads that snapshot (`--snapshot`), so the manifest describes exactly what was dumped.
 */
export async function postgresDump(url: string, consume: (dump: AsyncIterable<Buffer>, facts: SnapshotFacts) => Promise<void>): Promise<void> {
  requireTool('pg_dump');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0].s;
    const known = await facts(client);
    const { dbname, env } = clientArgs(url);
    const child = spawn('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--snapshot=${snapshot}`, `--dbname=${dbname}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      await consume(child.stdout, known);
    } catch (err) {
      child.kill();
      await exited;
      throw err;
    }
    const code = await exited;
    if (code !== 0) throw new BackupFileError(`pg_dump failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`);
    await client.query('COMMIT');
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Tables in the database's current schema (an empty database has none). */
export async function postgresTableCount(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Empties the current schema (restore --force). */
export async function postgresEmpty(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const schema = (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s;
    const q = `"${schema.replace(/"/g, '""')}"`;
    await client.query(`DROP SCHEMA ${q} CASCADE`);
    await client.query(`CREATE SCHEMA ${q}`);
  } finally {
    await client.end();
  }
}

export async function postgresFacts(url: string): Promise<SnapshotFacts> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await facts(client);
  } finally {
    await client.end();
  }
}

/**
 * `pg_restore` of a custom-format dump fed chunk by chunk through `feed`, in one transaction that
 * stops at the first error, so a failed restore leaves the database as empty as it was.
 */
export async function postgresRestore(url: string, feed: (write: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<void> {
  requireTool('pg_restore');
  const { dbname, env } = clientArgs(url);
  const child = spawn('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  let broken: Error | null = null;
  child.stdin.on('error', (err) => (broken = err));
  const stopped = exited.then(() => {
    throw new BackupFileError('pg_restore stopped reading');
  });
  stopped.catch(() => undefined);
  const write = async (chunk: Buffer) => {
    if (broken) throw broken;
    if (!child.stdin.write(chunk)) await Promise.race([once(child.stdin, 'drain'), stopped]);
  };
  let feedError: unknown = null;
  try {
    await feed(write);
  } catch (err) {
    feedError = err;
  } finally {
    child.stdin.end();
  }
  const code = await exited;
  if (code !== 0) throw new BackupFileError(`pg_restore failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  if (feedError) throw feedError;
}
