import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfig } from './config/app-config';
import { orExit } from './config/config-values';
import { restrictFileCreation } from './common/private-files';
import { WORKER_SHUTDOWN_LIMIT_MS } from './queue/queue-workers.service';

/**
 * `npm run worker`: the queue workers, the outbox relay and the sweep scheduler without HTTP — the
 * same module graph as the API in an application context. Run the API with WORKER=off to move all
 * background work here.
 */
async function main(): Promise<void> {
  // Before anything touches the disk: every file this process creates is its owner's only.
  restrictFileCreation();
  const config = orExit(() => {
    const loaded = loadConfig();
    // The worker sends Telegram news but never takes updates: the API process does.
    return { ...loaded, worker: 'inline' as const, telegram: loaded.telegram && { ...loaded.telegram, receive: false } };
  });
  const app = await NestFactory.createApplicationContext(AppModule.register(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Active jobs get their limit inside close(); this is the last resort if anything else hangs.
    process.once(signal, () => setTimeout(() => process.exit(1), WORKER_SHUTDOWN_LIMIT_MS + 5000).unref());
  }
  await app.init();
  new NestLogger('Worker').log(`KPAC worker running (queue prefix ${config.queuePrefix})`);
}

main().catch((err: Error) => {
  process.stderr.write(`Worker start-up failed: ${err.message}\n`);
  process.exit(1);
});
