import { Module } from '@nestjs/common';
import { StatisticsModule } from '../statistics/statistics.module';
import { ExportsController } from './exports.controller';
import { ExportsRepository } from './exports.repository';
import { ExportsService } from './exports.service';

@Module({ imports: [StatisticsModule], controllers: [ExportsController], providers: [ExportsRepository, ExportsService] })
export class ExportsModule {}
