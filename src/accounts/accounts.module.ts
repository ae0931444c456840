import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Session } from '../auth/entities/session.entity';
import { Customer } from '../customers/entities/customer.entity';
import { AccountStateService } from './account-state.service';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { Account } from './entities/account.entity';
import { PasswordService } from './password.service';

@Module({
  // Customer: read only, to check a customer exists before giving it an account.
  // Session: read only, for the per-request session check (AccountStateService).
  imports: [TypeOrmModule.forFeature([Account, Customer, Session])],
  controllers: [AccountsController],
  providers: [AccountStateService, PasswordService, AccountsService],
  exports: [AccountStateService, PasswordService, AccountsService],
})
export class AccountsModule {}
