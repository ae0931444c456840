import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

export class PageMetaDto {
  /** The page number; null on a page fetched by cursor. */
  @ApiProperty({ type: 'integer', example: 1, nullable: true }) page: number | null;
  @ApiProperty({ type: 'integer', example: 20 }) limit: number;
  /** Exact when totalExact is true, else a lower bound (counting stopped at 10,000). */
  @ApiProperty({ type: 'integer', example: 42 }) total: number;
  @ApiProperty({ type: 'integer', example: 3 }) totalPages: number;
  @ApiProperty({ example: true }) totalExact: boolean;
  /** Send as `cursor` (with the same filters, sort and limit) for the next page; null on the last. */
  @ApiProperty({ type: 'string', nullable: true, example: null }) nextCursor: string | null;
}

export interface Page<T> {
  data: T[];
  meta: PageMetaDto;
}

/** The same page with its rows turned into response DTOs. */
export function mapPage<T, R>(page: Page<T>, map: (row: T) => R): Page<R> {
  return { data: page.data.map(map), meta: page.meta };
}

/** A named page schema per item type, so the OpenAPI document shows `data` precisely. */
export function PageDto<T>(item: Type<T>, name: string) {
  class PageOf implements Page<T> {
    @ApiProperty({ type: [item] }) data: T[];
    @ApiProperty({ type: PageMetaDto }) meta: PageMetaDto;
  }
  Object.defineProperty(PageOf, 'name', { value: name });
  return PageOf;
}
