import { Module } from '@nestjs/common';
import { SlaStatisticsService } from './sla-statistics.service';
import { StatsRollupService } from './stats-rollup.service';
import { StatisticsController } from './statistics.controller';
import { StatisticsRepository } from './statistics.repository';
import { StatisticsService } from './statistics.service';

@Module({
  controllers: [StatisticsController],
  providers: [StatisticsRepository, StatisticsService, SlaStatisticsService, StatsRollupService],
  exports: [StatisticsRepository, StatisticsService],
})
export class StatisticsModule {}
