import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MultiBar, Presets } from 'cli-progress';
import { CommonModule } from './common/common.module';
import { restrictFileCreation } from './common/private-files';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { orExit } from './config/config-values';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { KeyRotationService, RotationProgress } from './keys/key-rotation.service';
import { KeysModule } from './keys/keys.module';

/**
 * `npm run rotate-keys`: re-encrypts every contact envelope, response-link token and stored key
 * under the current APP_SECRET, while the service keeps running. Set APP_SECRET to the new
 * secret and APP_SECRET_PREVIOUS to the old one (here and on every instance), run this, then
 * remove APP_SECRET_PREVIOUS. A run stopped half-way is simply run again.
 *
 *   npm run rotate-keys [-- --batch 500] [-- --check]
 *
 * Exit code 0: everything is under the current secret. 2: something is left (it says what).
 */
@Module({})
class RotateKeysModule {
  static register(config: AppConfig): DynamicModule {
    return { module: RotateKeysModule, imports: [ConfigModule.register(config), CommonModule.register(), DatabaseModule, KeysModule] };
  }
}

function parseArgs(argv: string[]): { batch: number; check: boolean } {
  const opts = { batch: 500, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') opts.check = true;
    else if (a === '--batch') opts.batch = Number(argv[++i]);
    else if (a === '--help' || a === '-h') {
      process.stdout.write('npm run rotate-keys [-- --batch 500] [-- --check]\n');
      process.exit(0);
    } else throw new ConfigError('rotate-keys', `does not know the argument "${a}" (use --batch N or --check)`);
  }
  if (!Number.isInteger(opts.batch) || opts.batch < 1 || opts.batch > 5000) throw new ConfigError('--batch', 'must be a whole number between 1 and 5000');
  return opts;
}

/** A bar per purpose on a terminal; a line per tenth otherwise (logs, CI, a service manager). */
function progress(): { update: RotationProgress; stop: () => void } {
  if (process.stdout.isTTY) {
    const bars = new MultiBar({ format: ' {purpose} [{bar}] {done}/{count}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    const byPurpose = new Map<string, ReturnType<MultiBar['create']>>();
    return {
      update: (purpose, done, total) => {
        let bar = byPurpose.get(purpose);
        const payload = { purpose: purpose.padEnd(13), done, count: total };
        if (!bar) byPurpose.set(purpose, (bar = bars.create(Math.max(total, 1), 0, payload)));
        // An empty column shows a full bar and 0/0.
        bar.update(total === 0 ? 1 : done, payload);
      },
      stop: () => bars.stop(),
    };
  }
  const printed = new Map<string, number>();
  return {
    update: (purpose, done, total) => {
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (printed.get(purpose) === tenth) return;
      printed.set(purpose, tenth);
      process.stdout.write(`${purpose}: ${done}/${total}\n`);
    },
    stop: () => undefined,
  };
}

async function main(): Promise<void> {
  restrictFileCreation();
  const { opts, config } = orExit(() => ({ opts: parseArgs(process.argv.slice(2)), config: { ...loadConfig(), worker: 'off' } as AppConfig }));
  const app = await NestFactory.createApplicationContext(RotateKeysModule.register(config), { logger: ['error', 'warn'], abortOnError: false });
  const rotation = app.get(KeyRotationService);
  try {
    if (opts.check) {
      const pending = await rotation.pending();
      for (const { target, count } of pending) process.stdout.write(`${target.purpose} (${target.table}.${target.column}): ${count} not under the current secret\n`);
      const left = pending.reduce((n, p) => n + p.count, 0);
      process.stdout.write(left ? 'Run npm run rotate-keys to re-encrypt them.\n' : 'Everything is under the current secret; APP_SECRET_PREVIOUS is not needed.\n');
      process.exitCode = left ? 2 : 0;
      return;
    }
    const bar = progress();
    const report = await rotation.rotate({ batchSize: opts.batch, onProgress: bar.update });
    bar.stop();
    for (const t of report.targets) {
      process.stdout.write(`${t.purpose} (${t.table}.${t.column}): ${t.rotated} re-encrypted, ${t.failed.length} unreadable, ${t.remaining} left\n`);
      if (t.failed.length) process.stdout.write(`  unreadable ${t.table} rows (no configured secret opens them): ${t.failed.slice(0, 20).join(', ')}${t.failed.length > 20 ? ', …' : ''}\n`);
    }
    if (report.complete) {
      process.stdout.write(`Done: everything is under the current secret${report.retiredKids ? ` (${report.retiredKids} old key id(s) retired)` : ''}. Remove APP_SECRET_PREVIOUS and restart.\n`);
    } else {
      process.stdout.write('Not done: some values are not under the current secret (written meanwhile by an instance still on the old secret, or unreadable). Check that every instance runs with the new APP_SECRET, then run again.\n');
    }
    process.exitCode = report.complete ? 0 : 2;
  } finally {
    await app.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`Key rotation failed: ${err.message}\n`);
  process.exit(1);
});
