import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { IsNull, Repository } from 'typeorm';
import { Session } from '../auth/entities/session.entity';
import { Role } from '../common/decorators/roles.decorator';
import { REDIS_CLIENT } from '../redis/redis.module';
import { Account } from './entities/account.entity';

/** What the JWT guard needs to know about an account on every request. */
export interface AccountAuthState {
  tokenVersion: number;
  role: Role;
  customerId: number | null;
}

/** A session's cached state: the account of a session that has not ended, else 'none'. */
type SessionState = number | 'none';
type State = AccountAuthState | SessionState | 'none';

const accountKey = (id: number) => `account-state:${id}`;
const sessionKey = (id: string) => `session-state:${id}`;
const STATE_TTL_MS = 5 * 60 * 1000;
const REINVALIDATE_MS = 1000;

/**
 * The per-request revocation check. Served from the shared cache (Redis with REDIS_URL,
 * so every instance sees a revocation at once) and the database behind it. Every write
 * that changes an account's password, role or existence calls `invalidate`; every end of
 * a session (logout, refresh-token reuse) calls `invalidateSession`.
 *
 * Without Redis the app is one process and nothing is shared: the states then live in this
 * service's own LRU, read synchronously, rather than behind cache-manager's and Keyv's
 * layers of promises (~4% of a cached read's CPU: docs/benchmarks.md, "Auth state read
 * in process").
 */
@Injectable()
export class AccountStateService {
  private readonly local: LRUCache<string, State> | undefined;

  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @Inject(REDIS_CLIENT) redis: Redis | null,
  ) {
    this.local = redis
      ? undefined
      : new LRUCache<string, State>({ max: 50_000, ttl: STATE_TTL_MS });
  }

  /**
   * The account's state, or null when it is gone or the token's session is not one of its
   * live sessions in this database. Session ids are random per sign-in, so a token issued
   * by another deployment (even with the same secret and a colliding account id) never
   * matches. Both states come in one cache read.
   */
  async forSession(accountId: number, sessionId: string): Promise<AccountAuthState | null> {
    const keys = [accountKey(accountId), sessionKey(sessionId)];
    const local = this.local;
    const [account, session] = local
      ? keys.map((key) => local.get(key))
      : await this.cache.mget<State>(keys);
    let accountState = account as AccountAuthState | 'none' | null | undefined;
    let sessionState = session as SessionState | null | undefined;
    if (accountState == null || sessionState == null) {
      [accountState, sessionState] = await Promise.all([
        accountState ?? this.loadAccount(accountId),
        sessionState ?? this.loadSession(sessionId),
      ]);
    }
    if (accountState === 'none' || sessionState !== accountId) return null;
    return accountState;
  }

  /**
   * Called after the write commits. A request that read the old row just before the
   * commit may still write it back to the cache just after this delete; the second,
   * delayed delete removes that straggler ("delayed double delete").
   */
  async invalidate(accountId: number): Promise<void> {
    await this.doubleDelete(accountKey(accountId));
  }

  /** Called after a session has ended (committed), as `invalidate` is for an account. */
  async invalidateSession(sessionId: string): Promise<void> {
    await this.doubleDelete(sessionKey(sessionId));
  }

  private async doubleDelete(key: string): Promise<void> {
    await this.delete(key);
    setTimeout(() => {
      this.delete(key).catch(() => undefined);
    }, REINVALIDATE_MS).unref();
  }

  private async delete(key: string): Promise<void> {
    if (this.local) this.local.delete(key);
    else await this.cache.del(key);
  }

  private async store(key: string, state: State): Promise<void> {
    if (this.local) this.local.set(key, state);
    else await this.cache.set(key, state, STATE_TTL_MS);
  }

  private async loadAccount(accountId: number): Promise<AccountAuthState | 'none'> {
    const account = await this.accounts.findOne({
      where: { id: accountId },
      select: { id: true, tokenVersion: true, role: true, customerId: true },
    });
    const state: AccountAuthState | 'none' = account
      ? { tokenVersion: account.tokenVersion, role: account.role, customerId: account.customerId }
      : 'none';
    await this.store(accountKey(accountId), state);
    return state;
  }

  private async loadSession(sessionId: string): Promise<SessionState> {
    const session = await this.sessions.findOne({
      where: { id: sessionId, revokedAt: IsNull() },
      select: { id: true, accountId: true },
    });
    const state: SessionState = session ? session.accountId : 'none';
    await this.store(sessionKey(sessionId), state);
    return state;
  }
}
