import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateFacilityDto, FacilityQueryDto, UpdateFacilityDto } from './dto/facility.dto';
import { FacilitiesService } from './facilities.service';
import { FacilityDetailResponse, FacilityResponse } from './facility.responses';

@ApiTags('facilities')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/v1/facilities')
export class FacilitiesController {
  constructor(private readonly facilities: FacilitiesService) {}

  /** Scoped: council members see their city's facilities and all authorities; facility admins their own. */
  @Roles('admin', 'kpac_member', 'facility_admin')
  @Get()
  @ApiOperation({ summary: "Facilities in the caller's scope, by name" })
  @ApiOkResponse({ type: [FacilityResponse] })
  @ApiErrors(400)
  list(@CurrentActor() actor: Actor, @Query() q: FacilityQueryDto) {
    return this.facilities.list(actor, q);
  }

  @Roles('admin', 'kpac_member', 'facility_admin')
  @Get(':id')
  @ApiOperation({ summary: 'A facility with the escalation ladder above it' })
  @ApiOkResponse({ type: FacilityDetailResponse })
  @ApiErrors(400, 404)
  get(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.facilities.get(actor, id);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Add a facility (its parent, if any, must be an authority)' })
  @ApiCreatedResponse({ type: FacilityDetailResponse })
  @ApiErrors(400)
  create(@CurrentActor() actor: Actor, @Body() body: CreateFacilityDto) {
    return this.facilities.create(actor, body);
  }

  /** A parent that would make the ladder loop is refused with 409. */
  @Roles('admin')
  @Patch(':id')
  @ApiOperation({ summary: 'Change a facility; a parent that would make the ladder loop is refused with 409' })
  @ApiOkResponse({ type: FacilityDetailResponse })
  @ApiErrors(400, 404, 409)
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateFacilityDto) {
    return this.facilities.update(actor, id, body);
  }
}
