import { Global, Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { dataSourceOptions } from './data-source-options';
import { Database } from './database.service';
import { openDataSource } from './startup-lock';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), retryAttempts: 1 }),
      dataSourceFactory: (options) => openDataSource(options!),
    }),
  ],
  providers: [Database],
  exports: [Database],
})
export class DatabaseModule implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    if (this.dataSource.options.type === 'sqlite') {
      // FULL: an acknowledged write survives power loss (NORMAL can lose the last commits in WAL mode).
      await this.dataSource.query('PRAGMA synchronous = FULL');
      await this.dataSource.query('PRAGMA foreign_keys = ON');
    }
  }
}
