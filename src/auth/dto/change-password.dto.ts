import { IsString, MaxLength, MinLength } from 'class-validator';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';

export class ChangePasswordDto {
  /**
   * The password in use now (at most 72 bytes, as at sign-in).
   * @example "correct horse battery"
   */
  @IsString()
  @MaxLength(72)
  @MaxBytes(72)
  currentPassword: string;

  /**
   * At least 8 characters and at most 72 bytes in UTF-8 (bcrypt's limit: longer is refused, never cut).
   * @example "another horse battery"
   */
  @IsString()
  @MinLength(8)
  @MaxBytes(72)
  newPassword: string;
}
