import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../common/pagination/page.dto';
import { Customer } from '../entities/customer.entity';

export class CustomerResponseDto {
  @ApiProperty({ type: 'integer', example: 1 }) id: number;
  @ApiProperty({ example: 'Ada Lovelace' }) name: string;
  @ApiProperty({ example: 'ada@example.com' }) email: string;
  @ApiProperty({ example: '+4915112345678' }) phone: string;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(c: Customer): CustomerResponseDto {
    return {
      id: c.id,
      name: c.name,
      email: c.email,
      phone: c.phone,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    };
  }
}

export class CustomerPageDto extends PageDto(CustomerResponseDto, 'CustomerPageDto') {}
