import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { QueryFailedError } from 'typeorm';
import { Product } from './entities/product.entity';
import { ProductsService } from './products.service';
import { CacheVersionService } from '../http-cache/cache-version.service';
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
  const manager = {
    save: (_: unknown, p: Product) => repo.save(p) as Promise<Product>,
    update: (_: unknown, where: unknown, set: unknown) => repo.update(where, set) as Promise<void>,
    createQueryBuilder: () => words,
  };
  const tx = { run: <T>(work: (m: typeof manager) => Promise<T>) => work(manager) };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProductsService,
        { provide: getRepositoryToken(Product), useValue: repo },
        { provide: CacheVersionService, useValue: versions },
        { provide: TransactionRunner, useValue: tx },
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
    // The search words go in with the product: the old ones out, then the name's words.
    expect(words.where).toHaveBeenCalledWith('productId = :productId', { productId: 1 });
    expect(words.values).toHaveBeenCalledWith([
      { token: 'wwtea', productId: 1 },
      { token: 'nntea', productId: 1 },
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
    // Out of the search index too, in the same transaction.
    expect(words.delete).toHaveBeenCalled();
    expect(words.values).not.toHaveBeenCalled();
    expect(versions.bump).toHaveBeenCalledWith('products');
  });

  it('refuses minPrice above maxPrice before querying', async () => {
    await expect(
      service.list({ page: 1, limit: 20, minPrice: 500, maxPrice: 100 }),
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
  });
});
