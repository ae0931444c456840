import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class CustomerQueryDto extends PageQueryDto {
  /** Matches name, e-mail or phone (case-insensitive, literal: `%` and `_` are not wildcards). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}
