import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MAX_ID, PlainText } from './text-rules';

const Rating = (): PropertyDecorator => (target, key) => {
  ApiProperty({ minimum: 1, maximum: 5 })(target, key);
  IsInt()(target, key);
  Min(1)(target, key);
  Max(5)(target, key);
};

export class RatingsDto {
  @Rating() waitingTime: number;
  @Rating() staffAttitude: number;
  @Rating() openingHours: number;
  @Rating() confidentiality: number;
  @Rating() overall: number;
}

export class FeedbackDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  facilityId: number;

  @ApiProperty({ type: RatingsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RatingsDto)
  ratings: RatingsDto;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @PlainText()
  comment?: string;

  /** Honeypot, as on the complaint form. */
  @ApiPropertyOptional({ description: 'Leave empty' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  website?: string;
}
