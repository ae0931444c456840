import { ApiProperty } from '@nestjs/swagger';

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' }) accessToken: string;
  @ApiProperty({ example: '3f1c...e2.Zm9vYmFy...' }) refreshToken: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) tokenType: 'Bearer';
  /** Access-token lifetime in seconds. */
  @ApiProperty({ example: 900 }) expiresIn: number;
}
