import { ApiProperty } from '@nestjs/swagger';

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' }) accessToken: string;
  @ApiProperty({ example: '3f1c9a7e-7c1d-4a55-9a55-0b7f3f7c2c11.Zm9vYmFyYmF6cXV4' })
  refreshToken: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) tokenType: 'Bearer';
  /** Access-token lifetime in seconds. */
  @ApiProperty({ type: 'integer', example: 900 }) expiresIn: number;
}
