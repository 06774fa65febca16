import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CouncilsService } from './councils.service';
import { CreateCouncilDto, UpdateCouncilDto } from './dto/council.dto';
import { CreateMemberDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('councils')
@ApiBearerAuth()
@Controller('api/v1/councils')
export class CouncilsController {
  constructor(
    private readonly councils: CouncilsService,
    private readonly members: MembersService,
  ) {}

  @Roles('admin', 'kpac_member')
  @Get()
  list(@CurrentActor() actor: Actor) {
    return this.councils.list(actor);
  }

  @Roles('admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateCouncilDto) {
    return this.councils.createCouncil(actor, body);
  }

  /** Seats, who holds them, vacancies and terms ending within 60 days. */
  @Roles('admin', 'kpac_member')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.councils.get(actor, id);
  }

  @Roles('admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateCouncilDto) {
    return this.councils.update(actor, id, body);
  }

  @Roles('admin', 'kpac_member')
  @Get(':id/members')
  listMembers(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.members.list(actor, id);
  }

  /** Seats a person for one term; 409 when every seat is taken at some point of the term. */
  @Roles('admin')
  @Post(':id/members')
  addMember(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: CreateMemberDto) {
    return this.members.create(actor, id, body);
  }
}
