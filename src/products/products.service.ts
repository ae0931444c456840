import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { CategoriesService } from '../categories/categories.service';
import { pickCategoryForm, productsInCategory } from '../categories/category-filter';
import { InventoryService } from '../inventory/inventory.service';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { conflict, invalid, notFound } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { cappedCount, Keyset, ListPlan, ListTotal, sqlDate } from '../common/pagination/keyset';
import { Page } from '../common/pagination/page.dto';
import { isMysql } from '../database/typeorm-options';
import { TransactionRunner } from '../database/transaction-runner';
import { bump, PRODUCTS, PRODUCTS_IN_STOCK } from '../counters/list-counters';
import { ListCountersService } from '../counters/list-counters.service';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { Product } from './entities/product.entity';
import { indexProduct, SearchListOptions, searchProducts, unindexProduct } from './product-search';

type SortKey = [string, (p: Product) => string | number];
const SORT_KEYS: Record<'name' | 'price' | 'createdAt', SortKey> = {
  name: ['p.name', (p) => p.name],
  price: ['p.priceCents', (p) => p.priceCents],
  createdAt: ['p.createdAt', (p) => sqlDate(p.createdAt)],
};

/**
 * Every write says what it changed after it is stored (CacheInvalidation): the product,
 * and the lists (a new, changed or deleted product can join, move in or leave any list).
 * Orders change stock: OrderCacheChanges says so for them.
 */
@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(Product) private readonly products: Repository<Product>,
    private readonly cache: CacheInvalidation,
    private readonly runner: TransactionRunner,
    private readonly keyset: Keyset,
    private readonly counters: ListCountersService,
    private readonly categories: CategoriesService,
    private readonly inventory: InventoryService,
  ) {}

  async list(user: AuthUser, q: ProductQueryDto): Promise<Page<ProductResponseDto>> {
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.minPrice > q.maxPrice) {
      throw invalid('minPrice must not exceed maxPrice', [
        { field: 'minPrice', message: 'minPrice must not exceed maxPrice' },
      ]);
    }
    const qb = this.products.createQueryBuilder('p');
    if (q.minPrice !== undefined) qb.andWhere('p.priceCents >= :min', { min: q.minPrice });
    if (q.maxPrice !== undefined) qb.andWhere('p.priceCents <= :max', { max: q.maxPrice });
    if (q.inStock === true) qb.andWhere('p.stock > 0');
    if (q.inStock === false) qb.andWhere('p.stock = 0');
    if (q.stockBelow !== undefined) qb.andWhere('p.stock < :below', { below: q.stockBelow });
    // The category's counter: its exact total, its existence (404), and the filter's form.
    let inCategory: number | undefined;
    if (q.category !== undefined) {
      const [matching, sums] = await Promise.all([
        this.categories.countIn(q.category, q.inStock),
        this.counters.read([PRODUCTS]),
      ]);
      inCategory = matching;
      const rows = ((q.page ?? 1) - 1) * q.limit + q.limit;
      const form = q.search ? 'collect' : pickCategoryForm(matching, sums.get(PRODUCTS) ?? 0, rows);
      const filter = productsInCategory('p.id', q.category, form);
      qb.andWhere(filter.sql, filter.params);
    }
    if (q.search) return this.searchPage(qb, q);
    const sort = q.sort ?? '-createdAt';
    const [column, value] = SORT_KEYS[sort.replace('-', '') as keyof typeof SORT_KEYS];
    // Every filter (category and stockBelow included) is signed into the cursor.
    const { page: _page, cursor: _cursor, ...query } = q;
    const plan: ListPlan<Product> = {
      scope: { list: 'products', caller: user.id, query },
      direction: sort.startsWith('-') ? 'DESC' : 'ASC',
      // id as tie-breaker keeps pages stable when sort values repeat.
      columns: [
        { column, value },
        { column: 'p.id', value: (p) => p.id },
      ],
      count: (filtered) => this.count(q, filtered, inCategory),
    };
    const page = await this.keyset.page(qb, q, plan);
    return { data: await this.withCategories(page.data), meta: page.meta };
  }

  /**
   * A search pages by page number only (the word index ranks it: no keyset over the
   * ranking), with its own total; `cursor` with `search` is refused and nextCursor is null.
   */
  private async searchPage(
    qb: SelectQueryBuilder<Product>,
    q: ProductQueryDto,
  ): Promise<Page<ProductResponseDto>> {
    if (q.cursor !== undefined) {
      const message = 'cursor cannot be combined with search: page by page number';
      throw invalid(message, [{ field: 'cursor', message }]);
    }
    const { search, page = 1, limit, sort, cursor: _cursor, ...rest } = q;
    const filtered = Object.values(rest).some((v) => v !== undefined);
    const order = sort && SORT_KEYS[sort.replace('-', '') as keyof typeof SORT_KEYS];
    const options: SearchListOptions = {
      sort: order && {
        column: order[0],
        direction: sort?.startsWith('-') ? 'DESC' : 'ASC',
        value: order[1],
      },
      filtered,
      offset: (page - 1) * limit,
      limit,
    };
    const [rows, total] = await searchProducts(qb, search as string, options);
    const meta = {
      page,
      limit,
      total,
      totalPages: Math.ceil(total / limit),
      totalExact: true,
      nextCursor: null,
    };
    return { data: await this.withCategories(rows), meta };
  }

  /**
   * Exact from the counters when only inStock and category filter (list-counters.ts,
   * categories/category-counters.ts). Anything else (search, prices, stockBelow): capped.
   */
  private async count(
    q: ProductQueryDto,
    qb: SelectQueryBuilder<Product>,
    inCategory: number | undefined,
  ): Promise<ListTotal> {
    if (
      q.search ||
      q.minPrice !== undefined ||
      q.maxPrice !== undefined ||
      q.stockBelow !== undefined
    ) {
      return cappedCount(qb);
    }
    if (inCategory !== undefined) return { total: inCategory, exact: true };
    const sums = await this.counters.read([PRODUCTS, PRODUCTS_IN_STOCK]);
    const all = sums.get(PRODUCTS) ?? 0;
    const inStock = sums.get(PRODUCTS_IN_STOCK) ?? 0;
    const total = q.inStock === undefined ? all : q.inStock ? inStock : all - inStock;
    return { total, exact: true };
  }

  async get(id: number): Promise<ProductResponseDto> {
    const [product] = await this.withCategories([await this.find(id)]);
    return product;
  }

  /** The product, its categories and its `initial` stock movement, in one transaction. */
  async create(accountId: number, dto: CreateProductDto): Promise<ProductResponseDto> {
    const product = this.products.create({
      name: dto.name,
      priceCents: dto.price,
      description: dto.description ?? null,
      sku: dto.sku ?? null,
      stock: dto.stock ?? 0,
    });
    const saved = await this.runner.run(async (em) => {
      const row = await this.save(product, em);
      // Counted out of stock here: the `initial` movement below is what puts it in stock.
      if (dto.categoryIds) await this.categories.assign(em, row.id, dto.categoryIds, false);
      // The in-stock counter moves with the `initial` movement (inventory.service.ts).
      await this.counters.apply(em, [bump(PRODUCTS, row.id, 1)]);
      await this.inventory.recordInitial(em, row, accountId);
      return row;
    });
    await this.cache.changed(...catalogChange(saved.id));
    return this.get(saved.id);
  }

  async update(id: number, dto: UpdateProductDto): Promise<ProductResponseDto> {
    if (dto.stock !== undefined) {
      const message = `stock changes only by POST /products/${id}/stock-adjustments (or orders and cancels), not by PATCH`;
      throw invalid(message, [{ field: 'stock', message }]);
    }
    await this.runner.run(async (em) => {
      // Locked: its stock decides what its categories' in-stock counts gain or lose.
      const product = await this.find(id, em);
      if (dto.name !== undefined) product.name = dto.name;
      if (dto.price !== undefined) product.priceCents = dto.price;
      if (dto.description !== undefined) product.description = dto.description;
      if (dto.sku !== undefined) product.sku = dto.sku;
      await this.save(product, em);
      if (dto.categoryIds) {
        await this.categories.assign(em, id, dto.categoryIds, product.stock > 0);
      }
    });
    await this.cache.changed(...catalogChange(id));
    return this.get(id);
  }

  /** Soft delete: existing orders keep their snapshot; the SKU is freed for reuse. */
  async remove(id: number): Promise<void> {
    await this.runner.run(async (em) => {
      const product = await this.find(id, em);
      await em
        .getRepository(Product)
        .update({ id: product.id }, { sku: null, deletedAt: new Date() });
      await unindexProduct(em, product.id);
      await this.categories.productDeleted(em, id, product.stock > 0);
      await this.counters.apply(em, [
        bump(PRODUCTS, id, -1),
        bump(PRODUCTS_IN_STOCK, id, product.stock > 0 ? -1 : 0),
      ]);
    });
    await this.cache.changed(...catalogChange(id));
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

  private async withCategories(rows: Product[]): Promise<ProductResponseDto[]> {
    const categories = await this.categories.refsFor(rows.map((p) => p.id));
    return rows.map((p) => ProductResponseDto.from(p, categories.get(p.id) ?? []));
  }

  private async save(product: Product, em: EntityManager): Promise<Product> {
    const isNew = product.id === undefined;
    try {
      const saved = await em.save(Product, product);
      await indexProduct(em, saved, isNew); // its search words, in the same transaction
      return saved;
    } catch (err) {
      if (isDuplicateError(err))
        throw conflict(`A product with sku "${product.sku}" already exists`);
      throw err;
    }
  }
}

/** What an administrator's product write changes: the product, every list, the counts. */
const catalogChange = (id: number) => [
  CacheTags.product(id),
  CacheTags.productSet,
  CacheTags.inStockSet,
  CacheTags.anyStock,
  CacheTags.categorySet,
];
