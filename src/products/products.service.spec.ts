import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError } from 'typeorm';
import { CategoriesService } from '../categories/categories.service';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { InventoryService } from '../inventory/inventory.service';
import { Keyset } from '../common/pagination/keyset';
import { testKeyset } from '../common/pagination/page-fakes.testspec';
import { ListCountersService } from '../counters/list-counters.service';
import { Product } from './entities/product.entity';
import { ProductsService } from './products.service';

const product = (over: Partial<Product> = {}): Product => ({
  id: 1,
  name: 'Tea',
  description: null,
  sku: null,
  priceCents: 410,
  stock: 3,
  createdAt: new Date(),
  updatedAt: new Date(),
  deletedAt: null,
  ...over,
});

describe('ProductsService', () => {
  let service: ProductsService;
  const repo = {
    create: jest.fn((x: Partial<Product>) => ({ ...x })),
    findOne: jest.fn(),
    update: jest.fn(),
    createQueryBuilder: jest.fn(),
  };
  /** The search index writes (a query builder chain); each call recorded by its method. */
  const words = {
    insert: jest.fn(),
    into: jest.fn(),
    values: jest.fn(),
    delete: jest.fn(),
    from: jest.fn(),
    where: jest.fn(),
    execute: jest.fn().mockResolvedValue(undefined),
  };
  for (const key of ['insert', 'into', 'values', 'delete', 'from', 'where'] as const) {
    words[key].mockReturnValue(words);
  }
  /** The transaction's manager: the product writes (and its search words) go through it. */
  const em = {
    save: jest.fn(),
    findOne: jest.fn(),
    update: jest.fn(),
    createQueryBuilder: () => words,
    getRepository: () => repo,
    connection: { options: { type: 'better-sqlite3' } },
  };
  const runner = {
    run: jest.fn((work: (m: EntityManager) => Promise<unknown>) =>
      work(em as unknown as EntityManager),
    ),
  };
  const categories = {
    assign: jest.fn().mockResolvedValue(undefined),
    productDeleted: jest.fn().mockResolvedValue(undefined),
    refsFor: jest.fn().mockResolvedValue(new Map([[1, [{ id: 3, name: 'Tea', slug: 'tea' }]]])),
    countIn: jest.fn(),
  };
  const inventory = { recordInitial: jest.fn().mockResolvedValue(undefined) };
  const cache = { changed: jest.fn().mockResolvedValue(undefined) };
  const counters = { apply: jest.fn().mockResolvedValue(undefined), read: jest.fn() };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProductsService,
        { provide: getRepositoryToken(Product), useValue: repo },
        { provide: CacheInvalidation, useValue: cache },
        { provide: TransactionRunner, useValue: runner },
        { provide: ListCountersService, useValue: counters },
        { provide: Keyset, useValue: testKeyset() },
        { provide: CategoriesService, useValue: categories },
        { provide: InventoryService, useValue: inventory },
      ],
    }).compile();
    service = moduleRef.get(ProductsService);
  });

  it('creates with cents, its categories and its initial movement in one transaction', async () => {
    em.save.mockImplementation((_e: unknown, p: Product) =>
      Promise.resolve({ ...product(), ...p, id: 1 }),
    );
    repo.findOne.mockResolvedValue(product({ stock: 5 }));
    const res = await service.create(8, { name: 'Tea', price: 410, stock: 5, categoryIds: [3] });
    expect(repo.create).toHaveBeenCalledWith(
      expect.objectContaining({ priceCents: 410, stock: 5 }),
    );
    expect(runner.run).toHaveBeenCalledTimes(1);
    // Out of stock until the initial movement puts it in (and counts it in stock).
    expect(categories.assign).toHaveBeenCalledWith(em, 1, [3], false);
    expect(inventory.recordInitial).toHaveBeenCalledWith(
      em,
      expect.objectContaining({ id: 1, stock: 5 }),
      8,
    );
    expect(res).toMatchObject({ price: '4.10', categories: [{ id: 3, slug: 'tea' }] });

    // The search words go in with the product; a new product has none to delete (a DELETE
    // would lock the gap every concurrent create shares on MySQL: a deadlock).
    expect(words.delete).not.toHaveBeenCalled();
    expect(words.values).toHaveBeenCalledWith([
      { token: 'wwtea', productId: 1 },
      { token: 'nntea', productId: 1 },
    ]);
    expect(cache.changed).toHaveBeenCalledWith(
      expect.any(String),
      'p:set',
      'p:instock',
      'p:stock',
      'cat:set',
    );
    // One more product; the in-stock counter moves with the initial movement.
    expect(counters.apply).toHaveBeenCalledWith(em, [{ name: 'products', shard: 1, delta: 1 }]);
  });

  it('maps a duplicate sku to a conflict', async () => {
    const dup = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' }),
    );
    em.save.mockRejectedValue(dup);
    await expect(service.create(1, { name: 'Tea', price: 1, sku: 'A' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('passes other database errors through untouched', async () => {
    const boom = new Error('disk on fire');
    em.save.mockRejectedValue(boom);
    await expect(service.create(1, { name: 'Tea', price: 1 })).rejects.toBe(boom);
    expect(cache.changed).not.toHaveBeenCalled();
  });

  it('answers not found for a missing product on get, update and remove', async () => {
    repo.findOne.mockResolvedValue(null);
    em.findOne.mockResolvedValue(null);
    await expect(service.get(5)).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.update(5, { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.remove(5)).rejects.toMatchObject({ code: 'not_found' });
    expect(repo.update).not.toHaveBeenCalled();
    expect(em.update).not.toHaveBeenCalled();
  });

  it('refuses stock in an update, pointing at stock adjustments, before any write', async () => {
    await expect(service.update(5, { stock: 3 })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('/products/5/stock-adjustments'),
    });
    expect(runner.run).not.toHaveBeenCalled();
  });

  it('soft-deletes and frees the sku', async () => {
    repo.findOne.mockResolvedValue(product({ sku: 'A' }));
    await service.remove(1);
    expect(repo.update).toHaveBeenCalledWith({ id: 1 }, { sku: null, deletedAt: expect.any(Date) });
    // Out of the search index too, in the same transaction.
    expect(words.delete).toHaveBeenCalled();
    expect(words.values).not.toHaveBeenCalled();
    expect(cache.changed).toHaveBeenCalledWith(
      expect.any(String),
      'p:set',
      'p:instock',
      'p:stock',
      'cat:set',
    );
    expect(counters.apply).toHaveBeenCalledWith(em, [
      { name: 'products', shard: 1, delta: -1 },
      { name: 'products:inStock', shard: 1, delta: -1 },
    ]);
    expect(categories.productDeleted).toHaveBeenCalledWith(em, 1, true);
  });

  it('refuses minPrice above maxPrice before querying', async () => {
    await expect(
      service.list(
        { id: 1, role: 'customer', customerId: 1, sessionId: 's' },
        { page: 1, limit: 20, minPrice: 500, maxPrice: 100 },
      ),
    ).rejects.toMatchObject({
      code: 'invalid',
    });
    expect(repo.createQueryBuilder).not.toHaveBeenCalled();
  });

  it('updates only the given fields and replaces the categories when given', async () => {
    em.findOne.mockResolvedValue(product());
    em.save.mockImplementation((_e: unknown, p: Product) => Promise.resolve(p));
    repo.findOne.mockResolvedValue(product({ priceCents: 999 }));
    const res = await service.update(1, { price: 999, categoryIds: [] });
    expect(em.save).toHaveBeenCalledWith(
      Product,
      expect.objectContaining({ name: 'Tea', priceCents: 999, stock: 3 }),
    );
    expect(categories.assign).toHaveBeenCalledWith(em, 1, [], true);
    expect(res).toMatchObject({ name: 'Tea', price: '9.99', stock: 3 });
  });
});
