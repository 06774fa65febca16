import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsPositive, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export class CreateCouncilDto {
  @ApiProperty()
  @IsInt()
  @IsPositive()
  @Max(2_147_483_647)
  cityId: number;

  @ApiPropertyOptional({ description: 'Defaults to "KPAC <city>"' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ default: 4 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  seats?: number;

  @ApiPropertyOptional({ default: 24 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  termMonths?: number;
}

export class UpdateCouncilDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Cannot drop below the terms already seated at any future moment' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  seats?: number;

  @ApiPropertyOptional({ description: 'Applies to terms added from now on' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(120)
  termMonths?: number;
}
