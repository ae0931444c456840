import { Type } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';

export class PageMetaDto {
  @ApiProperty({ type: 'integer', example: 1 }) page: number;
  @ApiProperty({ type: 'integer', example: 20 }) limit: number;
  @ApiProperty({ type: 'integer', example: 42 }) total: number;
  @ApiProperty({ type: 'integer', example: 3 }) totalPages: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMetaDto;
}

export function toPage<T>(data: T[], total: number, page: number, limit: number): Page<T> {
  return { data, meta: { page, limit, total, totalPages: Math.ceil(total / limit) } };
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
