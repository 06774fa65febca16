import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { ApiErrors } from '../common/error.responses';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CreateUserDto, UpdateUserDto } from './create-user.dto';
import { UserResponse } from './user.responses';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'Every staff account, oldest first' })
  @ApiOkResponse({ type: [UserResponse] })
  list() {
    return this.users.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a staff account (kpac_member with memberId, facility_admin with facilityId)' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors(400, 409)
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  /** Removes the account's second factor (a lost phone); it sets one up again at its next login. Audited. */
  @Post(':id/2fa/reset')
  @HttpCode(200)
  @ApiOperation({ summary: "Remove an account's second factor (a lost phone); audited" })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  resetSecondFactor(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.users.resetSecondFactor(actor, id);
  }

  @Patch(':id')
  @ApiOperation({ summary: "Change activity, role or password; any change ends the account's sessions" })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, 404)
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }
}
