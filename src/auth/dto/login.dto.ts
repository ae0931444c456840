import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength } from 'class-validator';
import { MaxBytes } from '../../common/validators/max-bytes.decorator';

export class LoginDto {
  @ApiProperty({ example: 'ada' })
  @IsString()
  @Length(1, 64)
  username: string;

  /** At most 72 bytes: bcrypt would silently ignore the rest. */
  @ApiProperty({ example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(72)
  @MaxBytes(72)
  password: string;
}
