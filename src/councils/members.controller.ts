import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AddTermDto, CreateTrainingDto, EndTermDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('councils')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Roles('admin', 'kpac_member')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.members.get(actor, id);
  }

  /** A further (e.g. consecutive) term for the same person. */
  @Roles('admin')
  @Post(':id/terms')
  addTerm(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: AddTermDto) {
    return this.members.addTerm(actor, id, body);
  }

  /** Ends the seat early (`endedOn` is the first day off it); the seat is free from that day. */
  @Roles('admin')
  @Post(':id/end')
  @HttpCode(200)
  end(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: EndTermDto) {
    return this.members.end(actor, id, body);
  }

  @Roles('admin')
  @Post(':id/trainings')
  addTraining(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: CreateTrainingDto) {
    return this.members.addTraining(actor, id, body);
  }
}
