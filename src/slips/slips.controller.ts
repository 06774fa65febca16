import { Body, Controller, Header, HttpCode, Post, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { CreateSlipsDto } from './slips.dto';
import { SlipsService } from './slips.service';

/** Complaint-box slips: printed by council members (their city) and coordinators. */
@ApiTags('slips')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin', 'kpac_member')
@Controller('api/v1/slips')
export class SlipsController {
  constructor(private readonly slips: SlipsService) {}

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Pre-issue references and tracking codes for a complaint box; answers the print-ready PDF (never stored); audited' })
  @ApiOkResponse({ description: 'PDF, A4, four slips a page; the codes exist only in it', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  @ApiErrors(400, 404)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateSlipsDto): Promise<StreamableFile> {
    const { pdf, batchId } = await this.slips.issue(actor, body);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="slips-${batchId.slice(0, 8)}.pdf"` });
  }
}
