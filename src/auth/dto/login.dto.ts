import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';
import { USERNAME_INPUT, USERNAME_MESSAGE } from '../../common/username';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';

export class LoginDto {
  /**
   * 3..64 ASCII letters, digits, `.`, `_` or `-`, in any case; anything else is 400 (no account has it).
   */
  @ApiProperty({ example: 'ada', pattern: USERNAME_INPUT.source })
  @IsString()
  @Matches(USERNAME_INPUT, { message: USERNAME_MESSAGE })
  username: string;

  /** At most 72 bytes: bcrypt would silently ignore the rest. */
  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(72)
  @MaxBytes(72)
  password: string;
}
