import { ApiProperty } from '@nestjs/swagger';
import { Role, ROLES } from '../../common/decorators/roles.decorator';
import { PageDto } from '../../common/pagination/page.dto';
import { CustomerResponseDto } from '../../customers/dto/customer-response.dto';
import { Account } from '../entities/account.entity';

/** An account as clients see it: never a password or a hash. */
export class AccountResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'ada' }) username: string;
  @ApiProperty({ enum: ROLES, example: 'customer' }) role: Role;
  @ApiProperty({ type: 'integer', nullable: true, example: 1 }) customerId: number | null;
  @ApiProperty({ type: CustomerResponseDto, nullable: true }) customer: CustomerResponseDto | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(a: Account): AccountResponseDto {
    return {
      id: a.id,
      username: a.username,
      role: a.role,
      customerId: a.customerId,
      customer: a.customer ? CustomerResponseDto.from(a.customer) : null,
      createdAt: a.createdAt,
      updatedAt: a.updatedAt,
    };
  }
}

export class AccountPageDto extends PageDto(AccountResponseDto, 'AccountPageDto') {}
