import { ApiProperty } from '@nestjs/swagger';

/** One audit event; `details` holds ids, enum values and field names, never personal data. */
export class AuditEventResponse {
  @ApiProperty({ type: 'integer' })
  id: number;

  @ApiProperty({ type: String, format: 'date-time' })
  at: string;

  @ApiProperty({ type: 'integer', nullable: true })
  actorUserId: number | null;

  @ApiProperty({ description: 'admin, kpac_member, facility_admin, public, facility_link or system' })
  actorType: string;

  @ApiProperty({ example: 'complaint.contact_reveal' })
  action: string;

  @ApiProperty({ example: 'complaint' })
  entity: string;

  @ApiProperty({ type: String, nullable: true })
  entityId: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  details: Record<string, unknown> | null;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEventResponse], description: 'Newest first' })
  items: AuditEventResponse[];

  @ApiProperty({ type: 'integer', nullable: true, description: 'Pass as cursor for the next page; null on the last one' })
  nextCursor: number | null;
}
