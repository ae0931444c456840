import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { QueryFailedError } from 'typeorm';
import { Product } from './entities/product.entity';
import { ProductsService } from './products.service';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';

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

  const cache = { changed: jest.fn().mockResolvedValue(undefined) };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        ProductsService,
        { provide: getRepositoryToken(Product), useValue: repo },
        { provide: CacheInvalidation, useValue: cache },
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
    // A new product can join any list.
    expect(cache.changed).toHaveBeenCalledWith(expect.any(String), 'p:set', 'p:instock');
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
    expect(cache.changed).toHaveBeenCalledWith('p:1', 'p:set', 'p:instock');
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
