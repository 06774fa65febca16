import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateFacilityDto, FacilityQueryDto, UpdateFacilityDto } from './dto/facility.dto';
import { FacilitiesService } from './facilities.service';

@ApiTags('facilities')
@ApiBearerAuth()
@Controller('api/v1/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilitiesService) {}

  /** Scoped: council members see their city's facilities and all authorities; facility admins their own. */
  @Roles('admin', 'kpac_member', 'facility_admin')
  @Get()
  list(@CurrentActor() actor: Actor, @Query() q: FacilityQueryDto) {
    return this.facilities.list(actor, q);
  }

  @Roles('admin', 'kpac_member', 'facility_admin')
  @Get(':id')
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.facilities.get(actor, id);
  }

  @Roles('admin')
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateFacilityDto) {
    return this.facilities.create(actor, body);
  }

  /** A parent that would make the ladder loop is refused with 409. */
  @Roles('admin')
  @Patch(':id')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateFacilityDto) {
    return this.facilities.update(actor, id, body);
  }
}
