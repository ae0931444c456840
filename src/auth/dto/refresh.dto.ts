import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class RefreshDto {
  /** The refresh token from sign-in or the last refresh. */
  @ApiProperty({ example: '3f1c9a7e-7c1d-4a55-9a55-0b7f3f7c2c11.Zm9vYmFyYmF6cXV4' })
  @IsString()
  @Length(10, 200)
  refreshToken: string;
}
