import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiResponse } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'price' }) field: string;
  @ApiProperty({ example: 'price must be an amount >= 0 with at most two decimals' })
  message: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'https://httpstatuses.io/400' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ example: 400 }) status: number;
  @ApiProperty({ example: 'Validation failed' }) detail: string;
  @ApiProperty({ example: '/api/v1/products' }) instance: string;
  @ApiProperty({ type: [FieldErrorDto], required: false }) errors?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors`)',
  401: 'Missing, invalid or expired token',
  403: 'Wrong role',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Rate limited',
  503: 'A dependency is down',
};

/** Declares the problem+json error responses an operation can answer with. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDto' } },
        },
      }),
    ),
  );
}
