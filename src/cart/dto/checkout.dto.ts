import { ADDRESS_EXAMPLE, ShippingChoiceDto } from '../../addresses/dto/shipping-choice.dto';
import { OptionalBody } from '../../common/validation';

/** POST /cart/checkout: where to ship (optional; the body may be left out). */
@OptionalBody()
export class CheckoutDto extends ShippingChoiceDto {
  static override readonly openApiSchema = {
    ...ShippingChoiceDto.openApiSchema,
    example: { shippingAddress: ADDRESS_EXAMPLE },
  };
}
