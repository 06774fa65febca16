import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { loadConfig } from './config/app-config';
import { orExit } from './config/config-values';
import { restrictFileCreation } from './common/private-files';

/** Active jobs get this long to finish on shutdown before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 20_000;

async function main(): Promise<void> {
  // Before anything touches the disk: every file this process creates is its owner's only.
  restrictFileCreation();
  const config = orExit(() => loadConfig());
  const app = await createApp(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref());
  }
  await app.listen({ port: config.port, host: config.host });
  new Logger('Main').log(`KPAC tracker listening on http://${config.host}:${config.port} (API docs at /api/docs)`);
}

main().catch((err: Error) => {
  process.stderr.write(`Start-up failed: ${err.message}\n`);
  process.exit(1);
});
