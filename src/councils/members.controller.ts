import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { MemberResponse, TrainingResponse } from './council.responses';
import { AddTermDto, CreateTrainingDto, EndTermDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('councils')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Roles('admin', 'kpac_member')
  @Get(':id')
  @ApiOperation({ summary: 'A council member with their terms and trainings' })
  @ApiOkResponse({ type: MemberResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.members.get(actor, id);
  }

  /** A further (e.g. consecutive) term for the same person. */
  @Roles('admin')
  @Post(':id/terms')
  @ApiOperation({ summary: 'A further (e.g. consecutive) term for the same person' })
  @ApiCreatedResponse({ type: MemberResponse })
  @ApiErrors(400, 404, 409)
  addTerm(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: AddTermDto) {
    return this.members.addTerm(actor, id, body);
  }

  /** Ends the seat early (`endedOn` is the first day off it); the seat is free from that day. */
  @Roles('admin')
  @Post(':id/end')
  @HttpCode(200)
  @ApiOperation({ summary: 'End the seat early (endedOn is the first day off it); the seat is free from that day' })
  @ApiOkResponse({ type: MemberResponse })
  @ApiErrors(400, 404, 409)
  end(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: EndTermDto) {
    return this.members.end(actor, id, body);
  }

  @Roles('admin')
  @Post(':id/trainings')
  @ApiOperation({ summary: 'Record a training the member took part in' })
  @ApiCreatedResponse({ type: TrainingResponse })
  @ApiErrors(400, 404)
  addTraining(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: CreateTrainingDto) {
    return this.members.addTraining(actor, id, body);
  }
}
