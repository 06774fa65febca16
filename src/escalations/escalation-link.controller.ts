import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Public } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { RespondByLinkDto, TOKEN_RE } from './escalation.dto';
import { EscalationLinkService } from './escalation-link.service';
import { LinkResponseRecordedResponse, LinkViewResponse } from './escalation.responses';

/**
 * The e-mailed one-time link. GET shows the case and acts on nothing (mail scanners fetch links);
 * only the POST, which carries the token in its body, consumes it.
 */
@ApiTags('escalations')
@ApiErrors(400, 404, 410, 429)
@UseGuards(ThrottlerGuard)
@Controller('api/v1/escalations')
export class EscalationLinkController {
  constructor(private readonly links: EscalationLinkService) {}

  @Public()
  @Get('link/:token')
  @ApiOperation({ summary: 'The case behind an e-mailed response link; changes nothing (mail scanners open links)' })
  @ApiOkResponse({ type: LinkViewResponse })
  view(@Param('token') token: string) {
    if (!TOKEN_RE.test(token)) throw new BadRequestException({ message: ['token must be the code from the e-mailed link'] });
    return this.links.view(token);
  }

  @Public()
  @Post('respond')
  @HttpCode(200)
  @ApiOperation({ summary: "The facility's answer through its link; the link is used up" })
  @ApiOkResponse({ type: LinkResponseRecordedResponse })
  async respond(@Body() body: RespondByLinkDto) {
    const { escalationId, reference, responseState } = await this.links.respond(body.token, body.response);
    return { escalationId, reference, responseState };
  }
}
