import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { PUBLIC_EXTENSION } from '../openapi/api-problems.decorator';

export const IS_PUBLIC_KEY = 'isPublic';
/**
 * Opts a route out of the global JWT guard. Also marks it in the OpenAPI document, where
 * src/openapi.ts gives it `security: []` (every other operation gets the bearer requirement).
 */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));
