import { AccountStateService } from './account-state.service';
import type { Cache } from 'cache-manager';
import type Redis from 'ioredis';
import type { Repository } from 'typeorm';
import type { Session } from '../auth/entities/session.entity';
import type { Account } from './entities/account.entity';

describe.each([
  ['with Redis (through cache-manager)', {} as Redis],
  ['without Redis (in process)', null],
])('AccountStateService.forSession, %s', (_mode, redis: Redis | null) => {
  const admin = { tokenVersion: 0, role: 'admin', customerId: null };
  let store: Map<string, unknown>;
  let cache: { mget: jest.Mock; set: jest.Mock; del: jest.Mock };
  let accounts: { findOne: jest.Mock };
  let sessions: { findOne: jest.Mock };
  let service: AccountStateService;

  beforeEach(() => {
    store = new Map();
    cache = {
      mget: jest.fn((keys: string[]) => Promise.resolve(keys.map((k) => store.get(k)))),
      set: jest.fn((k: string, v: unknown) => Promise.resolve(store.set(k, v))),
      del: jest.fn((k: string) => Promise.resolve(store.delete(k))),
    };
    accounts = { findOne: jest.fn().mockResolvedValue({ id: 6, ...admin }) };
    sessions = { findOne: jest.fn().mockResolvedValue({ id: 'sid-a', accountId: 6 }) };
    service = new AccountStateService(
      accounts as unknown as Repository<Account>,
      sessions as unknown as Repository<Session>,
      cache as unknown as Cache,
      redis,
    );
  });

  it('reads account and session state from the cache once both are cached', async () => {
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    cache.mget.mockClear();
    accounts.findOne.mockClear();
    sessions.findOne.mockClear();
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    if (redis) {
      // One round trip for both.
      expect(cache.mget).toHaveBeenCalledTimes(1);
      expect(cache.mget).toHaveBeenCalledWith(['account-state:6', 'session-state:sid-a']);
    } else {
      expect(cache.mget).not.toHaveBeenCalled();
      expect(cache.set).not.toHaveBeenCalled();
    }
    expect(accounts.findOne).not.toHaveBeenCalled();
    expect(sessions.findOne).not.toHaveBeenCalled();
  });

  it('reads the database again for an account once it is invalidated', async () => {
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    accounts.findOne.mockResolvedValue({ id: 6, ...admin, tokenVersion: 1 });
    await service.invalidate(6);
    expect(await service.forSession(6, 'sid-a')).toEqual({ ...admin, tokenVersion: 1 });
    expect(accounts.findOne).toHaveBeenCalledTimes(2);
    expect(sessions.findOne).toHaveBeenCalledTimes(1);
  });

  it('refuses a session this database does not know, or one of another account', async () => {
    sessions.findOne.mockResolvedValue(null);
    expect(await service.forSession(6, 'from-elsewhere')).toBeNull();
    sessions.findOne.mockResolvedValue({ id: 'sid-b', accountId: 7 });
    expect(await service.forSession(6, 'sid-b')).toBeNull();
  });

  it('refuses a session once it has ended and been invalidated', async () => {
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    sessions.findOne.mockResolvedValue(null); // revokedAt set
    await service.invalidateSession('sid-a');
    expect(await service.forSession(6, 'sid-a')).toBeNull();
  });

  it('refuses a deleted account', async () => {
    accounts.findOne.mockResolvedValue(null);
    expect(await service.forSession(6, 'sid-a')).toBeNull();
  });
});
