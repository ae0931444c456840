import { PartialType, PickType } from '@nestjs/swagger';
import { CreateAccountDto } from './create-account.dto';

/**
 * Username and password only; a new password ends every existing session of the account.
 * Optional but never null (`{"password": null}` is a 400).
 */
export class UpdateAccountDto extends PartialType(
  PickType(CreateAccountDto, ['username', 'password'] as const),
  { skipNullProperties: false },
) {}
