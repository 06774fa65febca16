import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { SlaStatisticsService } from './sla-statistics.service';
import { ResolutionReportResponse } from './statistics.responses';
import { StatisticsService } from './statistics.service';
import { CouncilStatsResponse, FeedbackReportResponse, SlaReportResponse } from './stats-report.responses';
import { ResolutionQueryDto, StatsPeriodQueryDto } from './stats-query.dto';

@ApiTags('statistics')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@Roles('admin', 'kpac_member', 'facility_admin')
@Controller('api/v1/stats')
export class StatisticsController {
  constructor(
    private readonly stats: StatisticsService,
    private readonly sla: SlaStatisticsService,
  ) {}

  @Get('resolution')
  @ApiOperation({ summary: 'Positive-resolution rate and REAct reaction-status table (DESIGN §3), optionally grouped' })
  @ApiOkResponse({ type: ResolutionReportResponse })
  resolution(@CurrentActor() actor: Actor, @Query() q: ResolutionQueryDto) {
    return this.stats.resolution(actor, q);
  }

  @Get('sla')
  @ApiOperation({ summary: 'Per facility: escalations, responses within SLA, days to response, overdue' })
  @ApiOkResponse({ type: SlaReportResponse })
  slaStats(@CurrentActor() actor: Actor, @Query() q: StatsPeriodQueryDto) {
    return this.sla.sla(actor, q);
  }

  @Get('feedback')
  @ApiOperation({ summary: 'Service evaluations per facility and quarter' })
  @ApiOkResponse({ type: FeedbackReportResponse })
  feedback(@CurrentActor() actor: Actor, @Query() q: StatsPeriodQueryDto) {
    return this.stats.feedback(actor, q);
  }

  @Get('councils')
  @ApiOperation({ summary: 'Per council: seats, vacancies, turnover, tenure, trainings' })
  @ApiOkResponse({ type: CouncilStatsResponse })
  councils(@CurrentActor() actor: Actor, @Query() q: StatsPeriodQueryDto) {
    return this.stats.councils(actor, q);
  }
}
