import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ComplaintsModule } from './complaints/complaints.module';
import { SlipsModule } from './slips/slips.module';
import { CouncilsModule } from './councils/councils.module';
import { DatabaseModule } from './database/database.module';
import { FacilitiesModule } from './facilities/facilities.module';
import { HealthModule } from './health/health.module';
import { AuditModule } from './audit/audit.module';
import { loggerParams } from './logging/logging';
import { RedisModule } from './redis/redis.module';
import { UsersModule } from './users/users.module';
import { StatisticsModule } from './statistics/statistics.module';
import { ExportsModule } from './exports/exports.module';
import { WebModule } from './web/web.module';
import { EscalationsModule } from './escalations/escalations.module';
import { KeysModule } from './keys/keys.module';
import { BackupModule } from './backup/backup.module';
import { MetricsModule } from './metrics/metrics.module';
import { TelegramModule } from './telegram/telegram.module';

export interface AppOptions {
  /** Where logs go (tests capture them to check nothing personal is written). */
  logStream?: DestinationStream;
  /** Replaces the wall clock (tests move time). */
  clock?: Clock;
}

@Module({})
export class AppModule {
  static register(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        LoggerModule.forRoot(loggerParams(config, options.logStream)),
        CommonModule.register(options.clock),
        ThrottlerModule.forRoot({
          throttlers: [{ name: 'public', ttl: 60_000, limit: config.publicRateLimit || Number.MAX_SAFE_INTEGER }],
          // 0 turns public limits off (benchmarks only).
          skipIf: () => config.publicRateLimit === 0,
        }),
        DatabaseModule,
        KeysModule,
        RedisModule,
        AuthModule,
        AuditModule,
        UsersModule,
        CouncilsModule,
        FacilitiesModule,
        ComplaintsModule,
        SlipsModule,
        HealthModule,
        StatisticsModule,
        ExportsModule,
        WebModule,
        EscalationsModule,
        BackupModule,
        MetricsModule,
        TelegramModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
