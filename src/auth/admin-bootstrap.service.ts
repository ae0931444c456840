import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { Repository } from 'typeorm';
import { Account } from '../accounts/entities/account.entity';
import { PasswordService } from '../accounts/password.service';
import { isDuplicateError } from '../common/errors/problem';
import { appConfig } from '../config/app.config';

/** First start: create the administrator when none exists. */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly passwords: PasswordService,
    @Inject(appConfig.KEY) private readonly config: ConfigType<typeof appConfig>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.accounts.count({ where: { role: 'admin' } })) > 0) return;
    const generated = !this.config.adminPassword;
    const password = this.config.adminPassword ?? randomBytes(18).toString('base64url');
    const username = this.config.adminUsername.toLowerCase();
    try {
      await this.accounts.insert({
        username,
        passwordHash: await this.passwords.hash(password),
        role: 'admin',
        customerId: null,
      });
    } catch (err) {
      // Another instance starting at the same moment created it first.
      if (isDuplicateError(err)) return;
      throw err;
    }
    if (generated) {
      // Printed once, on purpose: it is the only way to learn the generated password.
      this.logger.warn(`Created administrator "${username}" with password: ${password}`);
    } else {
      this.logger.log(`Created administrator "${username}" from ADMIN_PASSWORD`);
    }
  }
}
