import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, IsNull, Repository } from 'typeorm';
import { AccountStateService } from '../accounts/account-state.service';
import { AccountResponseDto } from '../accounts/dto/account-response.dto';
import { Account } from '../accounts/entities/account.entity';
import { PasswordService } from '../accounts/password.service';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { forbidden, unauthorized } from '../common/errors/domain-error';
import { CustomersService } from '../customers/customers.service';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { LoginAttempts } from '../rate-limit/login-attempts.service';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { Session } from './entities/session.entity';

/** What a signed-in caller may change about themselves: DESIGN.md "Self-service". */
@Injectable()
export class SelfServiceService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    private readonly auth: AuthService,
    private readonly customers: CustomersService,
    private readonly passwords: PasswordService,
    private readonly runner: TransactionRunner,
    private readonly accountState: AccountStateService,
    private readonly loginAttempts: LoginAttempts,
    private readonly cache: CacheInvalidation,
  ) {}

  /** Name and phone of the caller's own customer record, by the customer rules. */
  async updateMe(user: AuthUser, dto: UpdateMeDto): Promise<AccountResponseDto> {
    if (user.customerId === null) throw forbidden('This account has no customer record');
    await this.customers.update(user.customerId, dto);
    return this.auth.me(user);
  }

  /**
   * A new password. The check of the current one counts as a sign-in attempt with the
   * account's username from the caller's address (the login limit: 429 when over it), so a
   * stolen access token cannot try passwords faster than sign-in can. Every other session
   * of the account ends, its refresh token and, on every instance at once, its access
   * tokens; this session goes on (the token version is unchanged, unlike an admin's reset).
   */
  async changePassword(user: AuthUser, dto: ChangePasswordDto, ip: string): Promise<void> {
    const account = await this.accounts.findOne({
      where: { id: user.id },
      select: { id: true, username: true, passwordHash: true },
    });
    if (!account) throw unauthorized('Token has been revoked');
    await this.loginAttempts.count(ip, account.username);
    if (!(await this.passwords.verify(dto.currentPassword, account.passwordHash))) {
      throw forbidden('The current password is wrong');
    }
    const passwordHash = await this.passwords.hash(dto.newPassword);
    const ended = await this.runner.run(async (em) => {
      await em.getRepository(Account).update({ id: user.id }, { passwordHash });
      const sessions = em.getRepository(Session);
      // One instant for this revocation, so that its sessions can be found again.
      const at = new Date();
      const live = { accountId: user.id, id: Not(user.sessionId) };
      await sessions.update({ ...live, revokedAt: IsNull() }, { revokedAt: at });
      const rows = await sessions.find({ where: { ...live, revokedAt: at }, select: { id: true } });
      return rows.map((s) => s.id);
    });
    await Promise.all(ended.map((id) => this.accountState.invalidateSession(id)));
    // The account's answers show its updatedAt.
    await this.cache.changed(CacheTags.account(user.id));
  }
}
