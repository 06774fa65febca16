import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ComplaintIntakeService } from './complaint-intake.service';
import { ComplaintDetailResponse, ComplaintPageResponse, ContactRevealResponse } from './complaint.responses';
import { ComplaintsService } from './complaints.service';
import { ReopenDto, ResolutionDto, RevealContactDto, TriageDto } from './dto/complaint-actions.dto';
import { ComplaintQueryDto } from './dto/complaint-query.dto';
import { StaffComplaintDto } from './dto/create-complaint.dto';
import { StaffIntakeResponse } from './public-complaint.responses';

/** Council work on complaints. Facility administrators use escalations instead. */
@ApiTags('complaints')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin', 'kpac_member')
@Controller('api/v1/complaints')
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly intake: ComplaintIntakeService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Triage list, newest first, keyset-paginated (nextCursor)' })
  @ApiOkResponse({ type: ComplaintPageResponse })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() query: ComplaintQueryDto) {
    return this.complaints.list(actor, query);
  }

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Enter a complaint taken on paper, by phone or in outreach' })
  @ApiCreatedResponse({ type: StaffIntakeResponse })
  // 404 and 409 only with slipReference: a slip unknown (or of another city), used or expired.
  @ApiErrors(400, 404, 409)
  create(@CurrentActor() actor: Actor, @Body() body: StaffComplaintDto) {
    return this.intake.submitStaff(actor, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Detail with the full timeline; contact details are never included' })
  @ApiOkResponse({ type: ComplaintDetailResponse })
  @ApiErrors(400, 404)
  detail(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.complaints.detail(actor, id);
  }

  @Post(':id/contact/reveal')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Contact details; every call is audited. Needs the complainant\'s mayContact, or an admin with a written reason' })
  @ApiOkResponse({ type: ContactRevealResponse })
  @ApiErrors(400, 404, 410)
  reveal(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: RevealContactDto = {}) {
    return this.complaints.revealContact(actor, id, body);
  }

  @Post(':id/triage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept (optionally setting category and priority) or reject a received complaint' })
  @ApiOkResponse({ type: ComplaintDetailResponse })
  @ApiErrors(400, 404, 409)
  triage(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: TriageDto) {
    return this.complaints.triage(actor, id, body);
  }

  @Post(':id/resolution')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record the outcome (a REAct reaction status); the complainant may then confirm or dispute it' })
  @ApiOkResponse({ type: ComplaintDetailResponse })
  @ApiErrors(400, 404, 409)
  resolve(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: ResolutionDto) {
    return this.complaints.resolve(actor, id, body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @ApiOperation({ summary: 'Back to in_review; the outcome and the complainant\'s verdict are cleared (the timeline keeps them)' })
  @ApiOkResponse({ type: ComplaintDetailResponse })
  @ApiErrors(400, 404, 409)
  reopen(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: ReopenDto) {
    return this.complaints.reopen(actor, id, body);
  }
}
