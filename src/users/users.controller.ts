import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { CreateUserDto, UpdateUserDto } from './create-user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  list() {
    return this.users.list();
  }

  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserDto) {
    return this.users.create(actor, body);
  }

  /** Removes the account's second factor (a lost phone); it sets one up again at its next login. Audited. */
  @Post(':id/2fa/reset')
  @HttpCode(200)
  resetSecondFactor(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number) {
    return this.users.resetSecondFactor(actor, id);
  }

  @Patch(':id')
  update(@CurrentActor() actor: Actor, @Param('id', ParseIdPipe) id: number, @Body() body: UpdateUserDto) {
    return this.users.update(actor, id, body);
  }
}
