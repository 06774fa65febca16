import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsId, strictInt } from './text-rules';

export class PublicFacilitiesQueryDto {
  @ApiProperty({ description: 'City id from GET /api/v1/public/cities' })
  @Transform(strictInt)
  @IsId({ message: 'city must be the id of a city (see GET /api/v1/public/cities)' })
  city: number;
}
