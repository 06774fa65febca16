import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate } from '../../common/is-calendar-date.validator';
import {
  AGE_GROUPS,
  AgeGroup,
  CATEGORIES,
  Category,
  CHANNELS,
  Channel,
  GENDERS,
  Gender,
  KEY_POPULATIONS,
  KeyPopulation,
  RESPONSIBLE_PARTY_TYPES,
  ResponsiblePartyType,
} from '../complaint.constants';
import { HasLetters, MAX_ID, PlainText } from './text-rules';

export const DESCRIPTION_MAX = 5000;
export const DESIRED_OUTCOME_MAX = 2000;
/** A public complaint says what happened in at least this many letters. */
export const DESCRIPTION_MIN_LETTERS = 5;

export class ContactDto {
  @ApiPropertyOptional({ example: '+992 90 123 4567' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[+0-9 ()\-.]*$/, { message: 'contact.phone may hold only digits, spaces and + (also -, ., ( and ))' })
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'contact.email must be an e-mail address' })
  email?: string;

  @ApiPropertyOptional({ description: 'Another way to reach the person (e.g. "via the outreach worker")' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @PlainText()
  other?: string;
}

export class ConsentsDto {
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  mayContact?: boolean;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  discloseIdentityToFacility?: boolean;
}

/** The rules of a complaint's description; with `minLetters`, it must also say something in words. */
function DescriptionRules(minLetters?: number): PropertyDecorator {
  return (target, key) => {
    const words = minLetters ? `; at least ${minLetters} letters, saying what happened` : '';
    ApiProperty({ maxLength: DESCRIPTION_MAX, description: `What happened${words}` })(target, key);
    IsString()(target, key);
    IsNotEmpty()(target, key);
    MaxLength(DESCRIPTION_MAX)(target, key);
    PlainText()(target, key);
    if (minLetters) HasLetters(minLetters)(target, key);
  };
}

/** Fields common to the public form and staff intake (DESIGN §6). */
export class ComplaintFieldsDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  cityId: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  facilityId?: number;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category: Category;

  @DescriptionRules()
  description: string;

  @ApiPropertyOptional({ maxLength: DESIRED_OUTCOME_MAX })
  @IsOptional()
  @IsString()
  @MaxLength(DESIRED_OUTCOME_MAX)
  @PlainText()
  desiredOutcome?: string;

  @ApiPropertyOptional({ example: '2026-02-20', description: 'Not in the future' })
  @IsOptional()
  @IsCalendarDate()
  incidentDate?: string;

  @ApiPropertyOptional({ enum: KEY_POPULATIONS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(KEY_POPULATIONS.length)
  @ArrayUnique()
  @IsIn(KEY_POPULATIONS, { each: true })
  keyPopulations?: KeyPopulation[];

  @ApiPropertyOptional({ enum: GENDERS })
  @IsOptional()
  @IsIn(GENDERS)
  gender?: Gender;

  @ApiPropertyOptional({ enum: AGE_GROUPS })
  @IsOptional()
  @IsIn(AGE_GROUPS)
  ageGroup?: AgeGroup;

  @ApiPropertyOptional({ enum: RESPONSIBLE_PARTY_TYPES })
  @IsOptional()
  @IsIn(RESPONSIBLE_PARTY_TYPES)
  responsiblePartyType?: ResponsiblePartyType;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ type: ConsentsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ConsentsDto)
  consents?: ConsentsDto;
}

export class PublicComplaintDto extends ComplaintFieldsDto {

  @ApiPropertyOptional({ enum: ['web'], description: 'Always web on the public form' })
  @IsOptional()
  @IsIn(['web'], { message: 'channel is always web on the public form' })
  channel?: 'web';

  /** Honeypot: invisible on the form, so only bots fill it. */
  @ApiPropertyOptional({ description: 'Leave empty' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  website?: string;
}

// The public form's own rule on top of the shared ones: words, not a stray character (staff enter
// paper forms as written). All of the field's rules again: class-validator drops a parent's rules
// for a property the subclass gives rules of its own.
DescriptionRules(DESCRIPTION_MIN_LETTERS)(PublicComplaintDto.prototype, 'description');

export class StaffComplaintDto extends ComplaintFieldsDto {
  @ApiPropertyOptional({ enum: CHANNELS, default: 'paper_form' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ example: '2026-02-27', description: 'Day the form or call was received; not in the future. Default: now.' })
  @IsOptional()
  @IsCalendarDate()
  receivedAt?: string;

  @ApiPropertyOptional({
    example: 'BKH-26-0042',
    description: 'The reference printed on a complaint-box slip: the complaint takes it, and answers to the code on the tear-off part the person kept',
  })
  @IsOptional()
  @IsString()
  @MaxLength(30)
  slipReference?: string;
}
