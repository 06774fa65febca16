import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { CityResponse } from './council.responses';
import { CouncilsService } from './councils.service';
import { CreateCityDto } from './dto/city.dto';

@ApiTags('councils')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/v1/cities')
export class CitiesController {
  constructor(private readonly councils: CouncilsService) {}

  /** Admins see every city; a council member sees their own. */
  @Roles('admin', 'kpac_member')
  @Get()
  @ApiOperation({ summary: 'Cities with their council: all for admins, their own for a council member' })
  @ApiOkResponse({ type: [CityResponse] })
  list(@CurrentActor() actor: Actor) {
    return this.councils.listCities(actor);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Add a city (its code goes into complaint references)' })
  @ApiCreatedResponse({ type: CityResponse })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateCityDto) {
    return this.councils.createCity(actor, body);
  }
}
