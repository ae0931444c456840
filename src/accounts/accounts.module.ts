import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountStateService } from './account-state.service';
import { Account } from './entities/account.entity';
import { PasswordService } from './password.service';

@Module({
  imports: [TypeOrmModule.forFeature([Account])],
  providers: [AccountStateService, PasswordService],
  exports: [AccountStateService, PasswordService],
})
export class AccountsModule {}
