import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '../accounts/accounts.module';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { Customer } from './entities/customer.entity';

/**
 * Depends on AccountsModule (deleting a customer removes its account, so it needs the
 * last-administrator rule and the revocation); AccountsModule only reads the customers
 * table to check a customer exists, which keeps the module graph free of cycles.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Customer]), AccountsModule],
  controllers: [CustomersController],
  providers: [CustomersService],
  exports: [CustomersService],
})
export class CustomersModule {}
