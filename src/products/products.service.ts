import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { CategoriesService } from '../categories/categories.service';
import { productsInCategory } from '../categories/category-filter';
import { TransactionRunner } from '../database/transaction-runner';
import { InventoryService } from '../inventory/inventory.service';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { conflict, invalid, notFound } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { Page, toPage } from '../common/pagination/page.dto';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto, ProductSort } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { Product } from './entities/product.entity';
import { indexProduct, searchProducts, unindexProduct } from './product-search';

const SORT_COLUMNS: Record<ProductSort, [string, 'ASC' | 'DESC']> = {
  name: ['p.name', 'ASC'],
  '-name': ['p.name', 'DESC'],
  price: ['p.priceCents', 'ASC'],
  '-price': ['p.priceCents', 'DESC'],
  createdAt: ['p.createdAt', 'ASC'],
  '-createdAt': ['p.createdAt', 'DESC'],
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
    private readonly categories: CategoriesService,
    private readonly inventory: InventoryService,
  ) {}

  async list(q: ProductQueryDto): Promise<Page<ProductResponseDto>> {
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
    if (q.category !== undefined) {
      await this.categories.assertExists(q.category);
      const inCategory = productsInCategory('p.id', q.category);
      qb.andWhere(inCategory.sql, inCategory.params);
    }
    if (q.search) {
      const { search, page, limit, sort, ...rest } = q;
      const filtered = Object.values(rest).some((v) => v !== undefined);
      const options = {
        sort: sort && SORT_COLUMNS[sort],
        filtered,
        offset: (page - 1) * limit,
        limit,
      };
      const [rows, total] = await searchProducts(qb, search, options);
      return toPage(await this.withCategories(rows), total, page, limit);
    }
    const [column, direction] = SORT_COLUMNS[q.sort ?? '-createdAt'];
    // id as tie-breaker keeps pages stable when sort values repeat.
    qb.orderBy(column, direction).addOrderBy('p.id', direction);
    qb.skip((q.page - 1) * q.limit).take(q.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(await this.withCategories(rows), total, q.page, q.limit);
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
      if (dto.categoryIds) await this.categories.assign(em, row.id, dto.categoryIds);
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
      const product = await em.findOne(Product, { where: { id } });
      if (!product) throw notFound('Product', id);
      if (dto.name !== undefined) product.name = dto.name;
      if (dto.price !== undefined) product.priceCents = dto.price;
      if (dto.description !== undefined) product.description = dto.description;
      if (dto.sku !== undefined) product.sku = dto.sku;
      await this.save(product, em);
      if (dto.categoryIds) await this.categories.assign(em, id, dto.categoryIds);
    });
    await this.cache.changed(...catalogChange(id));
    return this.get(id);
  }

  /** Soft delete: existing orders keep their snapshot; the SKU is freed for reuse. */
  async remove(id: number): Promise<void> {
    const product = await this.find(id);
    await this.runner.run(async (em) => {
      await em.update(Product, { id: product.id }, { sku: null, deletedAt: new Date() });
      await unindexProduct(em, product.id);
    });
    await this.cache.changed(...catalogChange(id));
  }

  private async find(id: number): Promise<Product> {
    const product = await this.products.findOne({ where: { id } });
    if (!product) throw notFound('Product', id);
    return product;
  }

  private async withCategories(rows: Product[]): Promise<ProductResponseDto[]> {
    const categories = await this.categories.refsFor(rows.map((p) => p.id));
    return rows.map((p) => ProductResponseDto.from(p, categories.get(p.id) ?? []));
  }

  private async save(product: Product, em: EntityManager): Promise<Product> {
    try {
      const saved = await em.save(Product, product);
      await indexProduct(em, saved); // its search words, in the same transaction
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
