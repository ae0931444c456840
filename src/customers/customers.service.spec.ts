import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { QueryFailedError } from 'typeorm';
import { AccountStateService } from '../accounts/account-state.service';
import { AccountsService } from '../accounts/accounts.service';
import { conflict, DomainError } from '../common/errors/domain-error';
import { CustomersService } from './customers.service';
import { Customer } from './entities/customer.entity';
import { CustomerGram } from './entities/customer-gram.entity';
import { Keyset } from '../common/pagination/keyset';
import { fakeListQuery, testKeyset } from '../common/pagination/page-fakes.testspec';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';

const stored = (over: Partial<Customer> = {}): Customer => ({
  id: 1,
  name: 'Ada',
  email: 'ada@example.com',
  phone: '+4915112345678',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-01T00:00:00Z'),
  ...over,
});

const duplicate = () =>
  new QueryFailedError('INSERT', [], Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' }));

async function rejectsWith(promise: Promise<unknown>, code: string, detail?: RegExp) {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (detail) expect((err as DomainError).message).toMatch(detail);
}

describe('CustomersService', () => {
  let service: CustomersService;
  const repo = {
    exists: jest.fn(),
    findOne: jest.fn(),
    create: jest.fn((x: Partial<Customer>) => ({ ...x })),
    save: jest.fn(),
    delete: jest.fn(),
    createQueryBuilder: jest.fn(),
  };
  const grams = { delete: jest.fn(), insert: jest.fn() };
  const manager = {
    getRepository: jest.fn((entity: unknown) => (entity === CustomerGram ? grams : repo)),
  };
  const dataSource = {
    transaction: jest.fn((work: (m: typeof manager) => Promise<unknown>) => work(manager)),
  };
  const accounts = { lockForRemoval: jest.fn() };
  const accountState = { invalidate: jest.fn() };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        CustomersService,
        { provide: getRepositoryToken(Customer), useValue: repo },
        { provide: TransactionRunner, useValue: { run: dataSource.transaction } },
        { provide: AccountsService, useValue: accounts },
        { provide: AccountStateService, useValue: accountState },
        // What the cache is told is asserted end to end (cache-freshness.e2e-spec.ts).
        { provide: CacheInvalidation, useValue: { changed: jest.fn() } },
        { provide: Keyset, useValue: testKeyset() },
      ],
    }).compile();
    service = moduleRef.get(CustomersService);
  });

  describe('create', () => {
    it('stores the email lower-case and answers with the customer', async () => {
      repo.exists.mockResolvedValue(false);
      repo.save.mockImplementation((c: Customer) => Promise.resolve(stored({ ...c, id: 7 })));
      const res = await service.create({
        name: 'Ada',
        email: 'Ada@Example.COM',
        phone: '+4915112345678',
      });
      expect(repo.exists).toHaveBeenCalledWith({ where: { email: 'ada@example.com' } });
      // The row with its folded fields, and their runs of three, in one transaction.
      expect(repo.save).toHaveBeenCalledWith(
        expect.objectContaining({
          email: 'ada@example.com',
          name: 'Ada',
          searchText: 'ada\nada@example.com\n+4915112345678',
        }),
      );
      expect(dataSource.transaction).toHaveBeenCalledTimes(1);
      expect(grams.delete).toHaveBeenCalledWith({ customerId: 7 });
      const written = (
        grams.insert.mock.calls as { gram: string; customerId: number }[][][]
      ).flatMap(([rows]) => rows);
      expect(written).toEqual(
        expect.arrayContaining([
          { gram: 'ada', customerId: 7 },
          { gram: '@ex', customerId: 7 },
          { gram: '+49', customerId: 7 },
        ]),
      );
      expect(res).toMatchObject({ id: 7, email: 'ada@example.com' });
      expect(res).not.toHaveProperty('searchText');
    });

    it('refuses an email already in use with a conflict, saving nothing', async () => {
      repo.exists.mockResolvedValue(true);
      await rejectsWith(
        service.create({ name: 'A', email: 'ada@example.com', phone: '+4915112345678' }),
        'conflict',
        /email/,
      );
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('maps a unique violation that slipped past the check (a race) to a conflict', async () => {
      repo.exists.mockResolvedValue(false);
      repo.save.mockRejectedValue(duplicate());
      await rejectsWith(
        service.create({ name: 'A', email: 'ada@example.com', phone: '+4915112345678' }),
        'conflict',
        /ada@example.com/,
      );
    });
  });

  describe('get and update', () => {
    it('answers not_found for an unknown id', async () => {
      repo.findOne.mockResolvedValue(null);
      await rejectsWith(service.get(9), 'not_found', /Customer 9/);
      await rejectsWith(service.update(9, { name: 'X' }), 'not_found');
      expect(repo.save).not.toHaveBeenCalled();
    });

    it('updates only the given fields', async () => {
      repo.findOne.mockResolvedValue(stored());
      repo.save.mockImplementation((c: Customer) => Promise.resolve(c));
      const res = await service.update(1, { phone: '+15551234567' });
      expect(res).toMatchObject({ name: 'Ada', email: 'ada@example.com', phone: '+15551234567' });
      // The index follows the new phone: the old runs go, the new ones come.
      expect(grams.delete).toHaveBeenCalledWith({ customerId: 1 });
      const written = (grams.insert.mock.calls as { gram: string }[][][]).flatMap(([rows]) => rows);
      expect(written.map((r) => r.gram)).toContain('+15');
      expect(written.map((r) => r.gram)).not.toContain('+49');
      expect(repo.exists).not.toHaveBeenCalled();
    });

    it("refuses another customer's email", async () => {
      repo.findOne.mockResolvedValue(stored());
      repo.exists.mockResolvedValue(true);
      await rejectsWith(service.update(1, { email: 'Bob@Example.com' }), 'conflict', /bob@/);
      expect(repo.save).not.toHaveBeenCalled();
    });
  });

  describe('remove', () => {
    it('deletes the customer and invalidates its account so its tokens stop at once', async () => {
      repo.exists.mockResolvedValue(true);
      accounts.lockForRemoval.mockResolvedValue({ id: 42, role: 'customer' });
      await service.remove(1);
      expect(accounts.lockForRemoval).toHaveBeenCalledWith(manager, { customerId: 1 });
      expect(repo.delete).toHaveBeenCalledWith({ id: 1 });
      expect(accountState.invalidate).toHaveBeenCalledWith(42);
    });

    it('deletes a customer without an account without invalidating anything', async () => {
      repo.exists.mockResolvedValue(true);
      accounts.lockForRemoval.mockResolvedValue(null);
      await service.remove(1);
      expect(repo.delete).toHaveBeenCalledWith({ id: 1 });
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });

    it('answers not_found for an unknown customer', async () => {
      repo.exists.mockResolvedValue(false);
      await rejectsWith(service.remove(5), 'not_found');
      expect(repo.delete).not.toHaveBeenCalled();
    });

    it('keeps the customer when its account is the last administrator', async () => {
      repo.exists.mockResolvedValue(true);
      accounts.lockForRemoval.mockRejectedValue(
        conflict('The last administrator account cannot be deleted'),
      );
      await rejectsWith(service.remove(1), 'conflict', /last administrator/);
      expect(repo.delete).not.toHaveBeenCalled();
      expect(accountState.invalidate).not.toHaveBeenCalled();
    });
  });

  it('lists a page of a short term, matched literally in the folded fields, counted up to the cap', async () => {
    // A full page with a row after it: the total is counted (capped).
    const qb = fakeListQuery(
      Array.from({ length: 21 }, () => stored()),
      0,
    );
    const capped = { getRawOne: jest.fn(async () => ({ n: 45 })) };
    Object.assign(qb, {
      select: jest.fn(() => qb),
      orderBy: jest.fn(() => qb),
      getQuery: () => 'SELECT 1',
      getParameters: () => ({}),
      connection: {
        createQueryBuilder: () => ({
          select: () => ({ from: () => ({ setParameters: () => capped }) }),
        }),
      },
    });
    repo.createQueryBuilder.mockReturnValue(qb);
    const admin = { id: 1, role: 'admin' as const, customerId: null, sessionId: 's' };
    // Under three characters no run of the index applies: every row is checked (INSTR: no
    // wildcards to escape).
    const page = await service.list(admin, { page: 2, limit: 20, search: '%É' });
    expect(qb.andWhere).toHaveBeenCalledWith('INSTR(c.searchText, :term) > 0', { term: '%e' });
    expect(qb.offset).toHaveBeenCalledWith(20);
    expect(qb.limit).toHaveBeenCalledWith(10_001);
    expect(page.meta).toEqual({
      page: 2,
      limit: 20,
      total: 45,
      totalPages: 3,
      totalExact: true,
      nextCursor: expect.any(String),
    });
    expect(page.data).toHaveLength(20);
    expect(page.data[0]).toMatchObject({ id: 1, email: 'ada@example.com' });
  });

  it('reads no count when a numbered page shows the end of the list', async () => {
    const qb = fakeListQuery([stored()], 0);
    repo.createQueryBuilder.mockReturnValue(qb);
    const admin = { id: 1, role: 'admin' as const, customerId: null, sessionId: 's' };
    const page = await service.list(admin, { page: 2, limit: 20, search: 'ad' });
    expect(qb.limit).toHaveBeenCalledTimes(1);
    expect(qb.limit).toHaveBeenCalledWith(21);
    expect(page.meta).toMatchObject({
      total: 21,
      totalPages: 2,
      totalExact: true,
      nextCursor: null,
    });
  });
});
