import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validators/optional.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const SLUG_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';

export class CreateCategoryDto {
  /** Category name, 1..200 characters. */
  @ApiProperty({ example: 'Coffee beans', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  /** Unique; lower-case letters and digits in dash-separated runs. Made from the name when omitted. */
  @ApiProperty({ required: false, example: 'coffee-beans', pattern: SLUG_PATTERN, maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(200)
  @Matches(new RegExp(SLUG_PATTERN), {
    message: 'slug must be lower-case letters and digits, in runs separated by single dashes',
  })
  slug?: string;

  /** The parent category; null or omitted for a top-level one. */
  @ApiProperty({ required: false, type: 'integer', nullable: true, minimum: 1, example: null })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  parentId?: number | null;
}
