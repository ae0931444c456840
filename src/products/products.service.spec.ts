import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { QueryFailedError } from 'typeorm';
import { Product } from './entities/product.entity';
import { ProductsService } from './products.service';
import { CacheVersionService } from '../http-cache/cache-version.service';
import { Keyset } from '../common/pagination/keyset';
import { testKeyset } from '../common/pagination/page-fakes.testspec';
import { ListCountersService } from '../counters/list-counters.service';
import { TransactionRunner } from '../database/transaction-runner';

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
    save: jest.fn(),
    findOne: jest.fn(),
    update: jest.fn(),
    createQueryBuilder: jest.fn(),
  };

  const versions = { bump: jest.fn().mockResolvedValue(undefined) };
  const counters = { apply: jest.fn().mockResolvedValue(undefined), read: jest.fn() };
  const em = {
    getRepository: () => repo,
    connection: { options: { type: 'better-sqlite3' } },
  };
  const tx = { run: jest.fn((work: (m: typeof em) => Promise<unknown>) => work(em)) };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProductsService,
        { provide: getRepositoryToken(Product), useValue: repo },
        { provide: CacheVersionService, useValue: versions },
        { provide: TransactionRunner, useValue: tx },
        { provide: ListCountersService, useValue: counters },
        { provide: Keyset, useValue: testKeyset() },
      ],
    }).compile();
    service = moduleRef.get(ProductsService);
  });

  it('creates with cents and answers a two-decimal price', async () => {
    repo.save.mockImplementation((p: Product) => Promise.resolve({ ...product(), ...p }));
    const res = await service.create({ name: 'Tea', price: 410 });
    expect(repo.create).toHaveBeenCalledWith(
      expect.objectContaining({ priceCents: 410, stock: 0 }),
    );
    expect(res.price).toBe('4.10');
    expect(versions.bump).toHaveBeenCalledWith('products');
    // One more product, none more in stock (stock 0), in the transaction of the insert.
    expect(counters.apply).toHaveBeenCalledWith(em, [
      { name: 'products', shard: 1, delta: 1 },
      { name: 'products:inStock', shard: 1, delta: 0 },
    ]);
  });

  it('maps a duplicate sku to a conflict', async () => {
    const dup = new QueryFailedError(
      'INSERT',
      [],
      Object.assign(new Error('dup'), { code: 'ER_DUP_ENTRY' }),
    );
    repo.save.mockRejectedValue(dup);
    await expect(service.create({ name: 'Tea', price: 1, sku: 'A' })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('passes other database errors through untouched', async () => {
    const boom = new Error('disk on fire');
    repo.save.mockRejectedValue(boom);
    await expect(service.create({ name: 'Tea', price: 1 })).rejects.toBe(boom);
  });

  it('answers not found for a missing product on get, update and remove', async () => {
    repo.findOne.mockResolvedValue(null);
    await expect(service.get(5)).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.update(5, { name: 'x' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.remove(5)).rejects.toMatchObject({ code: 'not_found' });
    expect(repo.update).not.toHaveBeenCalled();
  });

  it('soft-deletes and frees the sku', async () => {
    repo.findOne.mockResolvedValue(product({ sku: 'A' }));
    await service.remove(1);
    expect(repo.update).toHaveBeenCalledWith({ id: 1 }, { sku: null, deletedAt: expect.any(Date) });
    expect(versions.bump).toHaveBeenCalledWith('products');
    expect(counters.apply).toHaveBeenCalledWith(em, [
      { name: 'products', shard: 1, delta: -1 },
      { name: 'products:inStock', shard: 1, delta: -1 },
    ]);
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

  it('updates only the given fields', async () => {
    repo.findOne.mockResolvedValue(product());
    repo.save.mockImplementation((p: Product) => Promise.resolve(p));
    const res = await service.update(1, { price: 999 });
    expect(res).toMatchObject({ name: 'Tea', price: '9.99', stock: 3 });
    expect(counters.apply).toHaveBeenCalledWith(em, [
      { name: 'products:inStock', shard: 1, delta: 0 },
    ]);
  });
});
