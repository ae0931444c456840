import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class CustomerQueryDto extends PageQueryDto {
  /**
   * A substring of the name, e-mail or phone; case and accents are ignored, every character
   * is literal (`%` and `_` are not wildcards).
   */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}
