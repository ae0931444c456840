import { PartialType } from '@nestjs/swagger';
import { CreateProductDto } from './create-product.dto';

/** Every field optional, but a present field must be valid: `null` is a 400, not a 500. */
export class UpdateProductDto extends PartialType(CreateProductDto, {
  skipNullProperties: false,
}) {}
