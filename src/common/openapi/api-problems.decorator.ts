import { applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

export class FieldErrorDto {
  @ApiProperty({ example: 'price' }) field: string;
  @ApiProperty({ example: 'price must be an amount >= 0 with at most two decimals' })
  message: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'https://httpstatuses.io/400' }) type: string;
  @ApiProperty({ example: 'Bad Request' }) title: string;
  @ApiProperty({ type: 'integer', example: 400 }) status: number;
  @ApiProperty({ example: 'Validation failed' }) detail: string;
  @ApiProperty({ example: '/api/v1/products' }) instance: string;
  @ApiProperty({ type: [FieldErrorDto], required: false }) errors?: FieldErrorDto[];
}

/** Marks an operation as needing no token; src/openapi.ts turns it into `security: []`. */
export const PUBLIC_EXTENSION = 'x-public';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (problem+json with `errors`)',
  401: 'Missing, invalid or expired token',
  403: 'Wrong role',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'A path parameter is too long (over 100 characters)',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Rate limited',
  503: 'A dependency is down',
};

const DETAILS: Record<number, string> = {
  400: 'Validation failed',
  401: 'Missing or invalid access token',
  403: 'This needs the admin role',
  404: 'Not found',
  409: 'A resource with these values already exists',
  413: 'Request body is too large',
  414: 'A path parameter is too long',
  415: 'Unsupported media type: send application/json',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  503: 'A dependency is unavailable, try again shortly',
};

/** One problem+json response object (shared by ApiProblems and the document post-processing). */
export function problemResponse(status: number) {
  const title = STATUS_CODES[status] ?? 'Error';
  return {
    description: DESCRIPTIONS[status] ?? title,
    content: {
      'application/problem+json': {
        schema: { $ref: '#/components/schemas/ProblemDto' },
        example: {
          type: `https://httpstatuses.io/${status}`,
          title,
          status,
          detail: DETAILS[status] ?? title,
          instance: '/api/v1/products/1',
        },
      },
    },
  };
}

/** Declares the problem+json error responses an operation can answer with. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}

/**
 * The optional `Idempotency-Key` request header of a create (POST /orders, checkout): the same
 * key and body answer with the first response; another body is 422; one still running is 409.
 */
export function ApiIdempotencyKey() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Client-chosen key (1..200 printable characters). The same key with the same body returns ' +
        'the first response; with another body 422; while the first is still running 409.',
      schema: { type: 'string', minLength: 1, maxLength: 200, example: 'a1b2c3d4-order-1' },
    }),
    ApiProblems(409, 422),
  );
}
