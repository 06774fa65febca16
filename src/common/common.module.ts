import { DynamicModule, Global, Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { Clock } from './clock';

/** The clock and the audit writer, used by every feature. */
@Global()
@Module({})
export class CommonModule {
  static register(clock?: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [clock ? { provide: Clock, useValue: clock } : Clock, AuditService],
      exports: [Clock, AuditService],
    };
  }
}
