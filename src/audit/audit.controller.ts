import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { AuditQueryDto } from './audit-query.dto';
import { AuditRepository } from './audit.repository';
import { AuditPageResponse } from './audit.responses';

@ApiTags('audit')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('api/v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'The audit trail, newest first, keyset-paginated (nextCursor)' })
  @ApiOkResponse({ type: AuditPageResponse })
  @ApiErrors(400)
  list(@Query() q: AuditQueryDto) {
    return this.audit.find(q);
  }
}
