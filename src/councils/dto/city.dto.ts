import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class CreateCityDto {
  @ApiProperty({ example: 'Istaravshan' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  name: string;

  @ApiProperty({ example: 'IST', description: 'Three capital letters, used in complaint references' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'code must be three capital letters, e.g. IST' })
  code: string;
}
