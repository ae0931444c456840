import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { Repository } from 'typeorm';
import { AccountStateService } from '../accounts/account-state.service';
import { Account } from '../accounts/entities/account.entity';
import { PasswordService } from '../accounts/password.service';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { rateLimited } from '../common/errors/domain-error';
import { CustomersService } from '../customers/customers.service';
import { TransactionRunner } from '../database/transaction-runner';
import { LoginAttempts } from '../rate-limit/login-attempts.service';
import { AuthService } from './auth.service';
import { SelfServiceService } from './self-service.service';

describe('SelfServiceService', () => {
  const user: AuthUser = { id: 7, role: 'customer', customerId: 3, sessionId: 'this-session' };
  const order: string[] = [];
  const accounts = {
    findOne: jest.fn().mockResolvedValue({ id: 7, username: 'ada', passwordHash: 'h' }),
  };
  const passwords = {
    verify: jest.fn(async (p: string) => (order.push('verify'), p === 'right-password')),
    hash: jest.fn(async () => 'new-hash'),
  };
  const attempts = { count: jest.fn(async () => void order.push('count')) };
  const runner = { run: jest.fn() };
  const accountState = { invalidateSession: jest.fn() };
  const customers = { update: jest.fn() };
  const auth = { me: jest.fn().mockResolvedValue({ id: 7 }) };
  const cache = { changed: jest.fn(async () => undefined) };
  const service = new SelfServiceService(
    accounts as unknown as Repository<Account>,
    auth as unknown as AuthService,
    customers as unknown as CustomersService,
    passwords as unknown as PasswordService,
    runner as unknown as TransactionRunner,
    accountState as unknown as AccountStateService,
    attempts as unknown as LoginAttempts,
    cache as unknown as CacheInvalidation,
  );

  beforeEach(() => {
    jest.clearAllMocks();
    order.length = 0;
  });

  it("updates the caller's own customer only, and answers with the account", async () => {
    await expect(service.updateMe(user, { name: 'Ada' })).resolves.toEqual({ id: 7 });
    expect(customers.update).toHaveBeenCalledWith(3, { name: 'Ada' });
  });

  it('is forbidden for an account without a customer, and writes nothing', async () => {
    const admin = { ...user, role: 'admin' as const, customerId: null };
    await expect(service.updateMe(admin, { name: 'x' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(customers.update).not.toHaveBeenCalled();
  });

  it('counts the attempt for the address and username before it checks the password', async () => {
    await expect(
      service.changePassword(
        user,
        { currentPassword: 'wrong', newPassword: 'new-password' },
        '203.0.113.1',
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(attempts.count).toHaveBeenCalledWith('203.0.113.1', 'ada');
    expect(order).toEqual(['count', 'verify']);
    expect(runner.run).not.toHaveBeenCalled();
  });

  it('over the limit, refuses without checking the password', async () => {
    attempts.count.mockRejectedValueOnce(rateLimited('too many', 60));
    await expect(
      service.changePassword(
        user,
        { currentPassword: 'right-password', newPassword: 'new-password' },
        '203.0.113.1',
      ),
    ).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 60 });
    expect(passwords.verify).not.toHaveBeenCalled();
    expect(runner.run).not.toHaveBeenCalled();
  });

  it('ends the sessions the transaction ended, after it commits', async () => {
    runner.run.mockResolvedValueOnce(['s1', 's2']);
    await service.changePassword(
      user,
      { currentPassword: 'right-password', newPassword: 'new-password' },
      '203.0.113.1',
    );
    expect(passwords.hash).toHaveBeenCalledWith('new-password');
    expect(accountState.invalidateSession.mock.calls).toEqual([['s1'], ['s2']]);
    expect(cache.changed).toHaveBeenCalledWith('a:7');
  });
});
