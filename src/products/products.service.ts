import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { CacheVersionService } from '../http-cache/cache-version.service';
import { conflict, invalid, notFound } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { LIKE_ESCAPE, likeContains } from '../common/like';
import { cappedCount, Keyset, ListPlan, ListTotal, sqlDate } from '../common/pagination/keyset';
import { mapPage, Page } from '../common/pagination/page.dto';
import { isMysql } from '../database/typeorm-options';
import { TransactionRunner } from '../database/transaction-runner';
import { bump, PRODUCTS, PRODUCTS_IN_STOCK } from '../counters/list-counters';
import { ListCountersService } from '../counters/list-counters.service';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { Product } from './entities/product.entity';

type SortKey = [string, (p: Product) => string | number];
const SORT_KEYS: Record<'name' | 'price' | 'createdAt', SortKey> = {
  name: ['p.name', (p) => p.name],
  price: ['p.priceCents', (p) => p.priceCents],
  createdAt: ['p.createdAt', (p) => sqlDate(p.createdAt)],
};

/**
 * Every write bumps the 'products' cache version after it is stored, so no cached product
 * read survives it (on every instance). Anything else that changes products (orders
 * change stock) must bump 'products' too.
 */
@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly cacheVersions: CacheVersionService,
    private readonly tx: TransactionRunner,
    private readonly keyset: Keyset,
    private readonly counters: ListCountersService,
  ) {}

  async list(user: AuthUser, q: ProductQueryDto): Promise<Page<ProductResponseDto>> {
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
      throw invalid('minPrice must not exceed maxPrice', [
        { field: 'minPrice', message: 'minPrice must not exceed maxPrice' },
      ]);
    }
    const qb = this.products.createQueryBuilder('p');
    if (q.search) {
      const term = likeContains(q.search.toLowerCase());
      qb.andWhere(
        `(LOWER(p.name) LIKE :term ${LIKE_ESCAPE} OR LOWER(p.description) LIKE :term ${LIKE_ESCAPE} OR LOWER(p.sku) LIKE :term ${LIKE_ESCAPE})`,
        { term },
      );
    }
    if (q.minPrice !== undefined) qb.andWhere('p.priceCents >= :min', { min: q.minPrice });
    if (q.maxPrice !== undefined) qb.andWhere('p.priceCents <= :max', { max: q.maxPrice });
    if (q.inStock === true) qb.andWhere('p.stock > 0');
    if (q.inStock === false) qb.andWhere('p.stock = 0');
    const sort = q.sort ?? '-createdAt';
    const [column, value] = SORT_KEYS[sort.replace('-', '') as keyof typeof SORT_KEYS];
    const { page: _page, cursor: _cursor, ...query } = q;
    const plan: ListPlan<Product> = {
      scope: { list: 'products', caller: user.id, query },
      direction: sort.startsWith('-') ? 'DESC' : 'ASC',
      // id as tie-breaker keeps pages stable when sort values repeat.
      columns: [
        { column, value },
        { column: 'p.id', value: (p) => p.id },
      ],
      count: (filtered) => this.count(q, filtered),
    };
    return mapPage(await this.keyset.page(qb, q, plan), ProductResponseDto.from);
  }

  /** Exact from the counters when only inStock filters; else counted up to the cap. */
  private async count(q: ProductQueryDto, qb: SelectQueryBuilder<Product>): Promise<ListTotal> {
    if (q.search || q.minPrice !== undefined || q.maxPrice !== undefined) return cappedCount(qb);
    const sums = await this.counters.read([PRODUCTS, PRODUCTS_IN_STOCK]);
    const all = sums.get(PRODUCTS) ?? 0;
    const inStock = sums.get(PRODUCTS_IN_STOCK) ?? 0;
    const total = q.inStock === undefined ? all : q.inStock ? inStock : all - inStock;
    return { total, exact: true };
  }

  async get(id: number): Promise<ProductResponseDto> {
    return ProductResponseDto.from(await this.find(id));
  }

  async create(dto: CreateProductDto): Promise<ProductResponseDto> {
    const product = this.products.create({
      name: dto.name,
      priceCents: dto.price,
      description: dto.description ?? null,
      sku: dto.sku ?? null,
      stock: dto.stock ?? 0,
    });
    const saved = await this.tx.run(async (em) => {
      const row = await this.save(em, product);
      await this.counters.apply(em, [
        bump(PRODUCTS, row.id, 1),
        bump(PRODUCTS_IN_STOCK, row.id, row.stock > 0 ? 1 : 0),
      ]);
      return row;
    });
    await this.cacheVersions.bump('products');
    return ProductResponseDto.from(saved);
  }

  async update(id: number, dto: UpdateProductDto): Promise<ProductResponseDto> {
    const saved = await this.tx.run(async (em) => {
      const product = await this.find(id, em);
      const wasInStock = product.stock > 0;
      if (dto.name !== undefined) product.name = dto.name;
      if (dto.price !== undefined) product.priceCents = dto.price;
      if (dto.description !== undefined) product.description = dto.description;
      if (dto.sku !== undefined) product.sku = dto.sku;
      if (dto.stock !== undefined) product.stock = dto.stock;
      const row = await this.save(em, product);
      const flip = Number(row.stock > 0) - Number(wasInStock);
      await this.counters.apply(em, [bump(PRODUCTS_IN_STOCK, id, flip)]);
      return row;
    });
    await this.cacheVersions.bump('products');
    return ProductResponseDto.from(saved);
  }

  /** Soft delete: existing orders keep their snapshot; the SKU is freed for reuse. */
  async remove(id: number): Promise<void> {
    await this.tx.run(async (em) => {
      const product = await this.find(id, em);
      await em
        .getRepository(Product)
        .update({ id: product.id }, { sku: null, deletedAt: new Date() });
      await this.counters.apply(em, [
        bump(PRODUCTS, id, -1),
        bump(PRODUCTS_IN_STOCK, id, product.stock > 0 ? -1 : 0),
      ]);
    });
    await this.cacheVersions.bump('products');
  }

  /** In a write, the row is locked on MySQL: its stock decides the in-stock counter. */
  private async find(id: number, em?: EntityManager): Promise<Product> {
    const product = em
      ? await em.getRepository(Product).findOne({
          where: { id },
          lock: isMysql(em.connection.options) ? { mode: 'pessimistic_write' } : undefined,
        })
      : await this.products.findOne({ where: { id } });
    if (!product) throw notFound('Product', id);
    return product;
  }

  private async save(em: EntityManager, product: Product): Promise<Product> {
    try {
      return await em.getRepository(Product).save(product);
    } catch (err) {
      if (isDuplicateError(err))
        throw conflict(`A product with sku "${product.sku}" already exists`);
      throw err;
    }
  }
}
