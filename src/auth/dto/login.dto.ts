import { IsString, Length, MaxLength } from 'class-validator';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';

export class LoginDto {
  @IsString()
  @Length(1, 64)
  username: string;

  /** At most 72 bytes: bcrypt would silently ignore the rest. */
  @IsString()
  @MaxLength(72)
  @MaxBytes(72)
  password: string;
}
