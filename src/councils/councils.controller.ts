import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CouncilDetailResponse, CouncilSummaryResponse, MemberResponse } from './council.responses';
import { CouncilsService } from './councils.service';
import { CreateCouncilDto, UpdateCouncilDto } from './dto/council.dto';
import { CreateMemberDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('councils')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/v1/councils')
export class CouncilsController {
  constructor(
    private readonly councils: CouncilsService,
    private readonly members: MembersService,
  ) {}

  @Roles('admin', 'kpac_member')
  @Get()
  @ApiOperation({ summary: 'Councils with seat figures: all for admins, their own for a council member' })
  @ApiOkResponse({ type: [CouncilSummaryResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.councils.list(actor);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create the council of a city (a city has one)' })
  @ApiCreatedResponse({ type: CouncilDetailResponse })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateCouncilDto) {
    return this.councils.createCouncil(actor, body);
  }

  /** Seats, who holds them, vacancies and terms ending within 60 days. */
  @Roles('admin', 'kpac_member')
  @Get(':id')
  @ApiOperation({ summary: 'Seats, who holds them, vacancies and terms ending within 60 days' })
  @ApiOkResponse({ type: CouncilDetailResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.councils.get(actor, id);
  }

  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Rename a council or change its seats or term length; 409 when fewer seats would not hold the terms seated' })
  @ApiOkResponse({ type: CouncilDetailResponse })
  @ApiErrors(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateCouncilDto) {
    return this.councils.update(actor, id, body);
  }

  @Roles('admin', 'kpac_member')
  @Get(':id/members')
  @ApiOperation({ summary: 'Members of a council with their terms and trainings' })
  @ApiOkResponse({ type: [MemberResponse] })
  @ApiErrors(400, 404)
  listMembers(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.members.list(actor, id);
  }

  /** Seats a person for one term; 409 when every seat is taken at some point of the term. */
  @Roles('admin')
  @Post(':id/members')
  @ApiOperation({ summary: 'Seat a person for one term; 409 when every seat is taken at some point of the term' })
  @ApiCreatedResponse({ type: MemberResponse })
  @ApiErrors(400, 404, 409)
  addMember(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: CreateMemberDto) {
    return this.members.create(actor, id, body);
  }
}
