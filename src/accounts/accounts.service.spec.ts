import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import * as bcrypt from 'bcrypt';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { authConfig } from '../config/auth.config';
import { Customer } from '../customers/entities/customer.entity';
import { AccountStateService } from './account-state.service';
import { AccountsService } from './accounts.service';
import { Account } from './entities/account.entity';
import { PasswordService } from './password.service';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { Keyset } from '../common/pagination/keyset';
import { fakeListQuery, testKeyset } from '../common/pagination/page-fakes.testspec';

const customer: Customer = {
  id: 3,
  name: 'Ada',
  email: 'ada@example.com',
  phone: '+4915112345678',
  createdAt: new Date(),
  updatedAt: new Date(),
};
const stored = (over: Partial<Account> = {}): Account => ({
  id: 10,
  username: 'ada',
  passwordHash: '$2b$04$notarealhashnotarealhashnotarealhashnotarealhashnotar',
  role: 'customer',
  customerId: 3,
  customer,
  tokenVersion: 0,
  createdAt: new Date(),
  updatedAt: new Date(),
  ...over,
});
const driverError = (code: string) =>
  new QueryFailedError('INSERT', [], Object.assign(new Error(code), { code }));

async function rejectsWith(promise: Promise<unknown>, code: string, detail?: RegExp) {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (detail) expect((err as DomainError).message).toMatch(detail);
  return err as DomainError;
}

const adminUser = { id: 1, role: 'admin' as const, customerId: null, sessionId: 's' };

describe('AccountsService', () => {
  let service: AccountsService;
  let passwords: PasswordService;
  const adminsQuery = {
    select: jest.fn().mockReturnThis(),
    where: jest.fn().mockReturnThis(),
    setLock: jest.fn().mockReturnThis(),
    getMany: jest.fn(),
  };
  const accounts = {
    exists: jest.fn(),
    findOne: jest.fn(),
    count: jest.fn(),
    create: jest.fn((x: Partial<Account>) => ({ ...x })),
    save: jest.fn(),
    update: jest.fn(),
    delete: jest.fn(),
    createQueryBuilder: jest.fn(() => adminsQuery),
  };
  const customers = { exists: jest.fn() };
  const manager = {
    getRepository: jest.fn(() => accounts),
    connection: { options: { type: 'better-sqlite3' } },
  };
  const dataSource = {
    transaction: jest.fn((work: (m: typeof manager) => Promise<unknown>) => work(manager)),
  };
  const accountState = { invalidate: jest.fn() };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        AccountsService,
        PasswordService,
        { provide: authConfig.KEY, useValue: { bcryptCost: 4 } },
        { provide: getRepositoryToken(Account), useValue: accounts },
        { provide: getRepositoryToken(Customer), useValue: customers },
        { provide: TransactionRunner, useValue: { run: dataSource.transaction } },
        { provide: AccountStateService, useValue: accountState },
        // What the cache is told is asserted end to end (cache-freshness.e2e-spec.ts).
        { provide: CacheInvalidation, useValue: { changed: jest.fn() } },
        { provide: Keyset, useValue: testKeyset() },
      ],
    }).compile();
    service = moduleRef.get(AccountsService);
    passwords = moduleRef.get(PasswordService);
    jest.spyOn(passwords, 'hash');
  });

  describe('create', () => {
    const dto = { username: 'Ada.L', password: 'clear-password', customerId: 3 };

    it('stores a lower-case username and a bcrypt hash, never the clear password', async () => {
      accounts.exists.mockResolvedValue(false);
      customers.exists.mockResolvedValue(true);
      accounts.save.mockImplementation((a: Account) => Promise.resolve({ ...a, id: 10 }));
      accounts.findOne.mockResolvedValue(stored({ username: 'ada.l' }));
      const res = await service.create(dto);
      expect(passwords.hash).toHaveBeenCalledWith('clear-password');
      const saved = accounts.save.mock.calls[0][0] as Account;
      expect(saved).toMatchObject({ username: 'ada.l', role: 'customer', customerId: 3 });
      expect(saved.passwordHash).not.toBe('clear-password');
      await expect(bcrypt.compare('clear-password', saved.passwordHash)).resolves.toBe(true);
      // Answered with its customer, and without any secret.
      expect(accounts.findOne).toHaveBeenCalledWith({
        where: { id: 10 },
        relations: { customer: true },
      });
      expect(res.customer).toMatchObject({ id: 3 });
      expect(JSON.stringify(res)).not.toMatch(/password|hash/i);
    });

    it('refuses a username in use (compared lower-case) with a conflict', async () => {
      accounts.exists.mockResolvedValueOnce(true);
      await rejectsWith(service.create(dto), 'conflict', /username "ada.l"/);
      expect(accounts.exists).toHaveBeenCalledWith({ where: { username: 'ada.l' } });
      expect(accounts.save).not.toHaveBeenCalled();
    });

    it('answers unprocessable, naming customerId, for an unknown customer', async () => {
      accounts.exists.mockResolvedValue(false);
      customers.exists.mockResolvedValue(false);
      const err = await rejectsWith(service.create(dto), 'unprocessable', /Customer 3/);
      expect(err.errors).toEqual([{ field: 'customerId', message: expect.any(String) }]);
      expect(accounts.save).not.toHaveBeenCalled();
    });

    it('allows one account per customer', async () => {
      accounts.exists.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
      customers.exists.mockResolvedValue(true);
      await rejectsWith(service.create(dto), 'conflict', /Customer 3 already has an account/);
      expect(accounts.exists).toHaveBeenLastCalledWith({ where: { customerId: 3 } });
      expect(accounts.save).not.toHaveBeenCalled();
    });

    it('names the customer rule when the unique index wins a race on the customer', async () => {
      // Both checks pass, then the insert hits the unique customerId index.
      accounts.exists.mockResolvedValue(false);
      customers.exists.mockResolvedValue(true);
      accounts.save.mockRejectedValue(driverError('ER_DUP_ENTRY'));
      await rejectsWith(service.create(dto), 'conflict', /Customer 3 already has an account/);
    });

    it('names the username rule when the unique index wins a race on the username', async () => {
      accounts.exists.mockResolvedValueOnce(false).mockResolvedValueOnce(false);
      accounts.exists.mockResolvedValueOnce(true); // the re-check after the failure
      customers.exists.mockResolvedValue(true);
      accounts.save.mockRejectedValue(driverError('SQLITE_CONSTRAINT_UNIQUE'));
      await rejectsWith(service.create(dto), 'conflict', /username/);
    });

    it('maps a customer deleted meanwhile (foreign key) to unprocessable', async () => {
      accounts.exists.mockResolvedValue(false);
      customers.exists.mockResolvedValue(true);
      accounts.save.mockRejectedValue(driverError('ER_NO_REFERENCED_ROW_2'));
      await rejectsWith(service.create(dto), 'unprocessable', /Customer 3/);
    });

    it('creates an administrator without a customer', async () => {
      accounts.exists.mockResolvedValue(false);
      accounts.save.mockImplementation((a: Account) => Promise.resolve({ ...a, id: 11 }));
      accounts.findOne.mockResolvedValue(
        stored({ id: 11, role: 'admin', customerId: null, customer: null }),
      );
      const res = await service.create({ username: 'boss', password: 'password-1', role: 'admin' });
      expect(customers.exists).not.toHaveBeenCalled();
      expect(accounts.save.mock.calls[0][0]).toMatchObject({ role: 'admin', customerId: null });
      expect(res).toMatchObject({ role: 'admin', customer: null });
    });
  });

  describe('update', () => {
    it('answers not_found for an unknown account', async () => {
      accounts.findOne.mockResolvedValue(null);
      await rejectsWith(service.update(99, { username: 'x1x' }), 'not_found', /Account 99/);
      expect(accounts.update).not.toHaveBeenCalled();
    });

    it('a new password is hashed, bumps tokenVersion in SQL and drops the cached state', async () => {
      accounts.findOne.mockResolvedValue(stored());
      await service.update(10, { password: 'brand-new-password' });
      expect(passwords.hash).toHaveBeenCalledWith('brand-new-password');
      const [where, changes] = accounts.update.mock.calls[0] as [
        unknown,
        { passwordHash: string; tokenVersion: () => string },
      ];
      expect(where).toEqual({ id: 10 });
      expect(changes.passwordHash).not.toBe('brand-new-password');
      await expect(bcrypt.compare('brand-new-password', changes.passwordHash)).resolves.toBe(true);
      expect(changes.tokenVersion()).toBe('tokenVersion + 1');
      expect(accountState.invalidate).toHaveBeenCalledWith(10);
    });

    it('a new username alone keeps the sessions', async () => {
      accounts.findOne.mockResolvedValue(stored());
      accounts.exists.mockResolvedValue(false);
      await service.update(10, { username: 'Ada.New' });
      expect(accounts.update).toHaveBeenCalledWith({ id: 10 }, { username: 'ada.new' });
      expect(passwords.hash).not.toHaveBeenCalled();
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });

    it("refuses another account's username", async () => {
      accounts.findOne.mockResolvedValue(stored());
      accounts.exists.mockResolvedValue(true);
      await rejectsWith(service.update(10, { username: 'ADMIN' }), 'conflict', /"admin"/);
      expect(accounts.update).not.toHaveBeenCalled();
    });

    it('changes nothing for an empty body', async () => {
      accounts.findOne.mockResolvedValue(stored());
      await service.update(10, {});
      expect(accounts.update).not.toHaveBeenCalled();
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });
  });

  describe('remove', () => {
    it('deletes a customer account and drops its cached state', async () => {
      accounts.findOne.mockResolvedValue({ id: 10, role: 'customer' });
      await service.remove(10);
      expect(accounts.delete).toHaveBeenCalledWith({ id: 10 });
      expect(accountState.invalidate).toHaveBeenCalledWith(10);
      expect(adminsQuery.getMany).not.toHaveBeenCalled();
    });

    it('answers not_found for an unknown account', async () => {
      accounts.findOne.mockResolvedValue(null);
      await rejectsWith(service.remove(10), 'not_found');
      expect(accounts.delete).not.toHaveBeenCalled();
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });

    it('refuses to delete the last administrator', async () => {
      accounts.findOne.mockResolvedValue({ id: 1, role: 'admin' });
      adminsQuery.getMany.mockResolvedValue([{ id: 1 }]);
      await rejectsWith(service.remove(1), 'conflict', /last administrator/);
      expect(accounts.delete).not.toHaveBeenCalled();
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });

    it('deletes an administrator while another remains', async () => {
      accounts.findOne.mockResolvedValue({ id: 1, role: 'admin' });
      adminsQuery.getMany.mockResolvedValue([{ id: 1 }, { id: 2 }]);
      await service.remove(1);
      expect(accounts.delete).toHaveBeenCalledWith({ id: 1 });
      expect(adminsQuery.setLock).not.toHaveBeenCalled();
    });

    it('locks the administrator rows on MySQL', async () => {
      accounts.findOne.mockResolvedValue({ id: 1, role: 'admin' });
      adminsQuery.getMany.mockResolvedValue([{ id: 1 }, { id: 2 }]);
      const mysqlManager = { ...manager, connection: { options: { type: 'mysql' } } };
      await service.lockForRemoval(mysqlManager as never, { id: 1 });
      expect(adminsQuery.setLock).toHaveBeenCalledWith('pessimistic_write');
    });
  });

  it('lists a page of accounts with their customers', async () => {
    const qb = fakeListQuery([stored()], 41);
    accounts.createQueryBuilder.mockReturnValueOnce(qb as never);
    accounts.count.mockResolvedValue(41);
    const page = await service.list(adminUser, { page: 3, limit: 20 });
    expect(qb.leftJoinAndSelect).toHaveBeenCalledWith('a.customer', 'customer');
    expect(qb.offset).toHaveBeenCalledWith(40);
    expect(qb.limit).toHaveBeenCalledWith(21);
    expect(page.meta).toEqual({
      page: 3,
      limit: 20,
      total: 41,
      totalPages: 3,
      totalExact: true,
      nextCursor: null,
    });
    expect(JSON.stringify(page)).not.toMatch(/password|hash/i);
  });
});
