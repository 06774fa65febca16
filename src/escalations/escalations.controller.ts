import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateEscalationDto, EscalationDraftQueryDto, ListEscalationsDto, RespondDto } from './escalation.dto';
import { EscalationDraftResponse, EscalationPageResponse, EscalationResponse } from './escalation.responses';
import { EscalationsRepository } from './escalations.repository';
import { EscalationsService } from './escalations.service';

@ApiTags('escalations')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/v1')
export class EscalationsController {
  constructor(
    private readonly escalations: EscalationsService,
    private readonly repo: EscalationsRepository,
  ) {}

  /** 202: the escalation is stored with its outbox record; the e-mail goes out in the background. */
  @Roles('kpac_member', 'admin')
  @Post('complaints/:id/escalations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Take a complaint to a facility; stored at once, the e-mail goes out in the background' })
  @ApiAcceptedResponse({ type: EscalationResponse })
  @ApiErrors(400, 404, 409, 422)
  escalate(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: CreateEscalationDto) {
    return this.escalations.escalate(actor, id, body);
  }

  /** Changes nothing: the neutral summary offered for that facility, and whether identity would go. */
  @Roles('kpac_member', 'admin')
  @Get('complaints/:id/escalations/draft')
  @ApiOperation({ summary: 'The facility-safe summary offered for a facility, in its language, and whether the escalation would carry identity' })
  @ApiOkResponse({ type: EscalationDraftResponse })
  @ApiErrors(400, 404)
  draft(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Query() q: EscalationDraftQueryDto) {
    return this.escalations.draft(actor, id, q.facilityId);
  }

  @Roles('kpac_member', 'facility_admin', 'admin')
  @Get('escalations')
  @ApiOperation({ summary: "Escalations in the caller's scope, newest first, keyset-paginated (nextCursor)" })
  @ApiOkResponse({ type: EscalationPageResponse })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() q: ListEscalationsDto) {
    return this.repo.list(actor, q);
  }

  @Roles('kpac_member', 'facility_admin', 'admin')
  @Get('escalations/:id')
  @ApiOperation({ summary: 'An escalation with its e-mails' })
  @ApiOkResponse({ type: EscalationResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.repo.viewInScope(actor, id);
  }

  @Roles('facility_admin', 'admin')
  @Post('escalations/:id/response')
  @HttpCode(200)
  @ApiOperation({ summary: "The facility's answer, given by its administrator (or an admin)" })
  @ApiOkResponse({ type: EscalationResponse })
  @ApiErrors(400, 404, 409)
  respond(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: RespondDto) {
    return this.escalations.respondAsStaff(actor, id, body.response);
  }
}
