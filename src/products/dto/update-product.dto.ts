import { ApiHideProperty, OmitType, PartialType } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { CreateProductDto } from './create-product.dto';

/**
 * Every field optional, but a present field must be valid: `null` is a 400, not a 500.
 * No `stock`: it changes only through orders, cancels and stock adjustments, so the
 * ledger is complete. The field is let through validation (unpublished) only so that
 * the service can answer a 400 that says where stock is changed now.
 */
export class UpdateProductDto extends PartialType(OmitType(CreateProductDto, ['stock'] as const), {
  skipNullProperties: false,
}) {
  @ApiHideProperty()
  @Allow()
  stock?: unknown;
}
