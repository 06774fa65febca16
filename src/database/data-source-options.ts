import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { preparePrivateSqliteFile } from '../common/private-files';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/app-config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { quietSqlite3 } from './sqlite-driver';

export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Never synchronize: the schema comes from migrations, which run at start-up under a lock
    // (openDataSource in startup-lock.ts), never from TypeORM's unlocked migrationsRun.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    logging: false,
  };
  if (db.type === 'sqlite') {
    if (db.path !== ':memory:') {
      mkdirSync(dirname(db.path), { recursive: true, mode: 0o700 });
      // Complaint texts sit in the database and its WAL in clear: owner only.
      preparePrivateSqliteFile(db.path);
    }
    return { type: 'sqlite', driver: quietSqlite3, database: db.path, enableWAL: db.path !== ':memory:', busyTimeout: 10_000, ...common };
  }
  return { type: 'postgres', url: db.url, schema: db.schema, poolSize: 10, ...common };
}
