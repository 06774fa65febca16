import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { ComplaintsExportQueryDto, ExportPeriodQueryDto } from './export-query.dto';
import { ExportsService } from './exports.service';

@ApiTags('exports')
@ApiBearerAuth()
@ApiErrors(400, 401, 403)
@Roles('admin')
@Controller('api/v1/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('complaints.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'Pseudonymised complaints (no contact; free text only with includeText=true), streamed; audited' })
  @ApiOkResponse({ schema: { type: 'string' }, description: 'CSV, UTF-8, one row per complaint' })
  async complaints(@CurrentActor() actor: Actor, @Query() q: ComplaintsExportQueryDto): Promise<StreamableFile> {
    const stream = await this.exports.complaintsCsv(actor, q);
    return new StreamableFile(stream, { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="complaints.csv"' });
  }

  @Get('react.csv')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "REAct's aggregate tables for a period, small counts suppressed; audited" })
  @ApiOkResponse({ schema: { type: 'string' }, description: 'CSV, UTF-8: the REAct tables one after another' })
  async react(@CurrentActor() actor: Actor, @Query() q: ExportPeriodQueryDto): Promise<StreamableFile> {
    const csv = await this.exports.reactCsv(actor, q);
    return new StreamableFile(Buffer.from(csv, 'utf8'), { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="react.csv"' });
  }
}
