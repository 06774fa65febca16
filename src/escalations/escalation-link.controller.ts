import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators';
import { RespondByLinkDto, TOKEN_RE } from './escalation.dto';
import { EscalationLinkService } from './escalation-link.service';

/**
 * The e-mailed one-time link. GET shows the case and acts on nothing (mail scanners fetch links);
 * only the POST, which carries the token in its body, consumes it.
 */
@ApiTags('escalations')
@UseGuards(ThrottlerGuard)
@Controller('api/v1/escalations')
export class EscalationLinkController {
  constructor(private readonly links: EscalationLinkService) {}

  @Public()
  @Get('link/:token')
  view(@Param('token') token: string) {
    if (!TOKEN_RE.test(token)) throw new BadRequestException({ message: ['token must be the code from the e-mailed link'] });
    return this.links.view(token);
  }

  @Public()
  @Post('respond')
  @HttpCode(200)
  respond(@Body() body: RespondByLinkDto) {
    return this.links.respond(body.token, body.response);
  }
}
