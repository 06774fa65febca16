import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { ComplaintIntakeService } from './complaint-intake.service';
import { ComplaintsService } from './complaints.service';
import { ReopenDto, ResolutionDto, RevealContactDto, TriageDto } from './dto/complaint-actions.dto';
import { ComplaintQueryDto } from './dto/complaint-query.dto';
import { StaffComplaintDto } from './dto/create-complaint.dto';

/** Council work on complaints. Facility administrators use escalations instead. */
@ApiTags('complaints')
@ApiBearerAuth()
@Roles('admin', 'kpac_member')
@Controller('api/v1/complaints')
export class ComplaintsController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly intake: ComplaintIntakeService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Triage list, newest first, keyset-paginated (nextCursor)' })
  list(@CurrentActor() actor: Actor, @Query() query: ComplaintQueryDto) {
    return this.complaints.list(actor, query);
  }

  @Post()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Enter a complaint taken on paper, by phone or in outreach' })
  create(@CurrentActor() actor: Actor, @Body() body: StaffComplaintDto) {
    return this.intake.submitStaff(actor, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Detail with the full timeline; contact details are never included' })
  detail(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.complaints.detail(actor, id);
  }

  @Post(':id/contact/reveal')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Contact details; every call is audited. Needs the complainant\'s mayContact, or an admin with a written reason' })
  reveal(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: RevealContactDto = {}) {
    return this.complaints.revealContact(actor, id, body);
  }

  @Post(':id/triage')
  @HttpCode(200)
  triage(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: TriageDto) {
    return this.complaints.triage(actor, id, body);
  }

  @Post(':id/resolution')
  @HttpCode(200)
  resolve(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: ResolutionDto) {
    return this.complaints.resolve(actor, id, body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  reopen(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: ReopenDto) {
    return this.complaints.reopen(actor, id, body);
  }
}
