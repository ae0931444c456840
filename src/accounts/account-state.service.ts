import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Cache } from 'cache-manager';
import { Repository } from 'typeorm';
import { Role } from '../common/decorators/roles.decorator';
import { Account } from './entities/account.entity';

/** What the JWT guard needs to know about an account on every request. */
export interface AccountAuthState {
  tokenVersion: number;
  role: Role;
  customerId: number | null;
}

const key = (id: number) => `account-state:${id}`;
const STATE_TTL_MS = 5 * 60 * 1000;
const REINVALIDATE_MS = 1000;

/**
 * The per-request revocation check. Served from the shared cache (Redis with REDIS_URL,
 * so every instance sees a revocation at once) and the database behind it. Every write
 * that changes an account's password, role or existence calls `invalidate`.
 */
@Injectable()
export class AccountStateService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  async get(accountId: number): Promise<AccountAuthState | null> {
    const cached = await this.cache.get<AccountAuthState | 'none'>(key(accountId));
    if (cached !== undefined && cached !== null) return cached === 'none' ? null : cached;
    const account = await this.accounts.findOne({
      where: { id: accountId },
      select: { id: true, tokenVersion: true, role: true, customerId: true },
    });
    const state: AccountAuthState | null = account
      ? { tokenVersion: account.tokenVersion, role: account.role, customerId: account.customerId }
      : null;
    await this.cache.set(key(accountId), state ?? 'none', STATE_TTL_MS);
    return state;
  }

  /**
   * Called after the write commits. A request that read the old row just before the
   * commit may still write it back to the cache just after this delete; the second,
   * delayed delete removes that straggler ("delayed double delete").
   */
  async invalidate(accountId: number): Promise<void> {
    await this.cache.del(key(accountId));
    setTimeout(() => {
      this.cache.del(key(accountId)).catch(() => undefined);
    }, REINVALIDATE_MS).unref();
  }
}
