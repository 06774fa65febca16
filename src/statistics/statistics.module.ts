import { Module } from '@nestjs/common';
import { SlaStatisticsService } from './sla-statistics.service';
import { StatsReader } from './stats-reader';
import { StatsRollupService } from './stats-rollup.service';
import { StatisticsController } from './statistics.controller';
import { StatisticsRepository } from './statistics.repository';
import { StatisticsService } from './statistics.service';

@Module({
  controllers: [StatisticsController],
  providers: [StatsReader, StatisticsRepository, StatisticsService, SlaStatisticsService, StatsRollupService],
  exports: [StatsReader, StatisticsRepository, StatisticsService, SlaStatisticsService],
})
export class StatisticsModule {}
