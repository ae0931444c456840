import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { conflict, invalid, notFound } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { LIKE_ESCAPE, likeContains } from '../common/like';
import { Page, toPage } from '../common/pagination/page.dto';
import { CreateProductDto } from './dto/create-product.dto';
import { ProductQueryDto, ProductSort } from './dto/product-query.dto';
import { ProductResponseDto } from './dto/product-response.dto';
import { UpdateProductDto } from './dto/update-product.dto';
import { Product } from './entities/product.entity';

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
  ) {}

  async list(q: ProductQueryDto): Promise<Page<ProductResponseDto>> {
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
    const [column, direction] = SORT_COLUMNS[q.sort ?? '-createdAt'];
    // id as tie-breaker keeps pages stable when sort values repeat.
    qb.orderBy(column, direction).addOrderBy('p.id', direction);
    qb.skip((q.page - 1) * q.limit).take(q.limit);
    const [rows, total] = await qb.getManyAndCount();
    return toPage(rows.map(ProductResponseDto.from), total, q.page, q.limit);
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
    const saved = await this.save(product);
    await this.cache.changed(...catalogChange(saved.id));
    return ProductResponseDto.from(saved);
  }

  async update(id: number, dto: UpdateProductDto): Promise<ProductResponseDto> {
    const product = await this.find(id);
    if (dto.name !== undefined) product.name = dto.name;
    if (dto.price !== undefined) product.priceCents = dto.price;
    if (dto.description !== undefined) product.description = dto.description;
    if (dto.sku !== undefined) product.sku = dto.sku;
    if (dto.stock !== undefined) product.stock = dto.stock;
    const saved = await this.save(product);
    await this.cache.changed(...catalogChange(id));
    return ProductResponseDto.from(saved);
  }

  /** Soft delete: existing orders keep their snapshot; the SKU is freed for reuse. */
  async remove(id: number): Promise<void> {
    const product = await this.find(id);
    await this.products.update({ id: product.id }, { sku: null, deletedAt: new Date() });
    await this.cache.changed(...catalogChange(id));
  }

  private async find(id: number): Promise<Product> {
    const product = await this.products.findOne({ where: { id } });
    if (!product) throw notFound('Product', id);
    return product;
  }

  private async save(product: Product): Promise<Product> {
    try {
      // One row: no implicit transaction (see TransactionRunner on SQLite).
      return await this.products.save(product, { transaction: false });
    } catch (err) {
      if (isDuplicateError(err))
        throw conflict(`A product with sku "${product.sku}" already exists`);
      throw err;
    }
  }
}

/** What an administrator's product write changes: the product and every list. */
const catalogChange = (id: number) => [
  CacheTags.product(id),
  CacheTags.productSet,
  CacheTags.inStockSet,
];
