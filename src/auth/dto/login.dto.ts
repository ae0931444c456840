import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { IsUsername } from '../../accounts/username';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';

export class LoginDto {
  /**
   * 3..64 ASCII letters, digits, `.`, `_` or `-`, in any case; anything else is 400 (no account has it).
   */
  @ApiProperty({ example: 'ada' })
  @IsString()
  @IsUsername()
  username: string;

  /** At most 72 bytes: bcrypt would silently ignore the rest. */
  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(72)
  @MaxBytes(72)
  password: string;
}
