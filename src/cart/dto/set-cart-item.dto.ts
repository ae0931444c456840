import { IsInt, Max, Min } from 'class-validator';

export class SetCartItemDto {
  /**
   * Units wanted, integer 0..1000; 0 removes the line.
   * @example 2
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  quantity: number;
}
