import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CouncilsService } from './councils.service';
import { CreateCityDto } from './dto/city.dto';

@ApiTags('councils')
@ApiBearerAuth()
@Controller('api/v1/cities')
export class CitiesController {
  constructor(private readonly councils: CouncilsService) {}

  /** Admins see every city; a council member sees their own. */
  @Roles('admin', 'kpac_member')
  @Get()
  list(@CurrentActor() actor: Actor) {
    return this.councils.listCities(actor);
  }

  @Roles('admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateCityDto) {
    return this.councils.createCity(actor, body);
  }
}
