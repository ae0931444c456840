import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateStockAdjustmentDto {
  /** Units to add (positive) or remove (negative); never 0. */
  @ApiProperty({
    type: 'integer',
    example: -2,
    minimum: -1_000_000_000,
    maximum: 1_000_000_000,
    not: { enum: [0] },
  })
  @IsInt()
  @NotEquals(0, { message: 'delta must not be 0' })
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  delta: number;

  /** Why the stock changed (a count, breakage, a delivery), 1..200 characters. */
  @ApiProperty({ example: 'Two jars broken in the warehouse', minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  note: string;
}
