import { AccountStateService } from './account-state.service';
import type { Cache } from 'cache-manager';
import type { Repository } from 'typeorm';
import type { Session } from '../auth/entities/session.entity';
import type { Account } from './entities/account.entity';

describe('AccountStateService.forSession', () => {
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
    );
  });

  it('reads account and session state in one cache round trip once both are cached', async () => {
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    cache.mget.mockClear();
    accounts.findOne.mockClear();
    sessions.findOne.mockClear();
    expect(await service.forSession(6, 'sid-a')).toEqual(admin);
    expect(cache.mget).toHaveBeenCalledTimes(1);
    expect(cache.mget).toHaveBeenCalledWith(['account-state:6', 'session-state:sid-a']);
    expect(accounts.findOne).not.toHaveBeenCalled();
    expect(sessions.findOne).not.toHaveBeenCalled();
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
