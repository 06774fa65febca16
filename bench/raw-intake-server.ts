/**
 * Baseline for the intake benchmark: a bare node:http server that inserts each posted complaint
 * with one validation-free INSERT through the same driver (TypeORM over sqlite3) into a database
 * with the same schema (the app's migrations, WAL, synchronous=FULL). No framework, no DTO, no
 * audit, no timeline: what the hardware and driver allow.
 *
 *   node -r ts-node/register/transpile-only bench/raw-intake-server.ts <port> <sqlite file>
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { quarterInZone } from '../src/common/dates';
import { restrictFileCreation } from '../src/common/private-files';
import { dataSourceOptions } from '../src/database/data-source-options';
import { openDataSource } from '../src/database/startup-lock';

async function main(): Promise<void> {
  restrictFileCreation();
  const port = Number(process.argv[2]);
  const file = process.argv[3];
  const ds = await openDataSource(dataSourceOptions({ type: 'sqlite', path: file }));
  await ds.query('PRAGMA synchronous = FULL');
  await ds.query('PRAGMA foreign_keys = ON');
  // The reference data the service seeds on start (complaints need an existing city).
  for (const [name, code] of [['Bokhtar', 'BKH'], ['Dushanbe', 'DSH'], ['Khujand', 'KHJ'], ['Kulob', 'KLB']]) {
    await ds.query('INSERT INTO cities (name, code, created_at) SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM cities WHERE code = ?)', [name, code, Date.now(), code]);
  }
  let seq = 0;
  const prefix = randomBytes(3).toString('hex');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const now = Date.now();
      const reference = `R${prefix}-${(seq++).toString(36)}`;
      ds.query(
        `INSERT INTO complaints (reference, tracking_hash, channel, city_id, category, description, key_populations, status, received_at, received_quarter, created_at, updated_at, version)
         VALUES (?, ?, 'web', ?, ?, ?, ?, 'received', ?, ?, ?, ?, 1)`,
        [reference, randomBytes(32).toString('hex'), body.cityId, body.category, body.description, JSON.stringify(body.keyPopulations ?? []), now, quarterInZone(new Date(now), 'Asia/Dushanbe'), now, now],
      ).then(
        () => {
          res.writeHead(201, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ reference }));
        },
        (err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        },
      );
    });
  });
  server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
}

main().catch((err) => {
  process.stderr.write(`raw server failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
