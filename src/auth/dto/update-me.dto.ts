import { PartialType, PickType } from '@nestjs/swagger';
import { CreateCustomerDto } from '../../customers/dto/create-customer.dto';

/**
 * The caller's own customer record: name and phone only, with the customer rules; any other
 * field (email and username included) is 400 like every unknown field.
 */
export class UpdateMeDto extends PartialType(PickType(CreateCustomerDto, ['name', 'phone']), {
  skipNullProperties: false,
}) {}
