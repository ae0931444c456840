import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { EntityManager } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { TransactionRunner } from '../database/transaction-runner';
import { AddressesService, MAX_ADDRESSES } from './addresses.service';
import { assertOneShippingChoice, shippingSnapshot, snapshotOf } from './shipping';

const customer: AuthUser = { id: 1, role: 'customer', customerId: 5, sessionId: 's' };
const admin: AuthUser = { id: 2, role: 'admin', customerId: null, sessionId: 's' };
const address = { name: 'Ada', line1: '1 Road', city: 'Town', postalCode: '1', country: 'GB' };

function setup(count: number) {
  const em = {
    connection: { options: { type: 'better-sqlite3' } },
    count: jest.fn(async () => count),
    create: jest.fn((_e: unknown, v: object) => v),
    save: jest.fn(async (v: object) => ({ id: 3, ...v })),
    findOneByOrFail: jest.fn(async () => ({ id: 3, ...snapshotOf(address) })),
    findOneBy: jest.fn(async () => null),
    delete: jest.fn(async () => ({ affected: 0 })),
  };
  const runner = {
    run: (work: (m: EntityManager) => Promise<unknown>) => work(em as unknown as EntityManager),
  } as unknown as TransactionRunner;
  const cache = { changed: jest.fn(async () => undefined) } as unknown as CacheInvalidation;
  return { svc: new AddressesService(runner, cache), em };
}

describe('AddressesService', () => {
  it('saves with the optional fields null', async () => {
    const { svc, em } = setup(0);
    await svc.create(customer, address);
    expect(em.save).toHaveBeenCalledWith(
      expect.objectContaining({ customerId: 5, line2: null, region: null, phone: null }),
    );
  });

  it(`refuses the ${MAX_ADDRESSES + 1}th address with 422 and writes nothing`, async () => {
    const { svc, em } = setup(MAX_ADDRESSES);
    await expect(svc.create(customer, address)).rejects.toMatchObject({ code: 'unprocessable' });
    expect(em.save).not.toHaveBeenCalled();
  });

  it('is 403 for an account without a customer, 404 for an address not its own', async () => {
    const { svc } = setup(0);
    await expect(svc.create(admin, address)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(svc.update(customer, 9, { city: 'X' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(svc.remove(customer, 9)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('shipping choice', () => {
  it('refuses an address and an id together (400)', () => {
    expect(() =>
      assertOneShippingChoice({ shippingAddress: address, shippingAddressId: 1 }),
    ).toThrow(expect.objectContaining({ code: 'invalid' }));
  });

  it('takes an inline address as given, without a statement; none is null', () => {
    const inline = shippingSnapshot(5, { shippingAddress: address }).next();
    expect(inline).toEqual({ done: true, value: snapshotOf(address) });
    expect(shippingSnapshot(5, {}).next()).toEqual({ done: true, value: null });
  });

  it("reads a saved address as the customer's only, and a missing one is 404", () => {
    const script = shippingSnapshot(5, { shippingAddressId: 7 });
    const step = script.next();
    expect(step.done).toBe(false);
    const [read] = step.value as { sql: string; params: unknown[] }[];
    expect(read.sql).toMatch(/FROM addresses WHERE id = \? AND customerId = \?$/);
    expect(read.params).toEqual([7, 5]);
    expect(() => script.next([{ rows: [], affected: 0, insertId: undefined }])).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });
});
