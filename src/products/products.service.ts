import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheVersionService } from '../http-cache/cache-version.service';
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
    if (q.search) {
      const filtered =
        q.minPrice !== undefined || q.maxPrice !== undefined || q.inStock !== undefined;
      const sort = q.sort && SORT_COLUMNS[q.sort];
      const offset = (q.page - 1) * q.limit;
      const [rows, total] = await searchProducts(qb, q.search, {
        sort,
        filtered,
        offset,
        limit: q.limit,
      });
      return toPage(rows.map(ProductResponseDto.from), total, q.page, q.limit);
    }
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
    await this.cacheVersions.bump('products');
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
    await this.cacheVersions.bump('products');
    return ProductResponseDto.from(saved);
  }

  /** Soft delete: existing orders keep their snapshot; the SKU is freed for reuse. */
  async remove(id: number): Promise<void> {
    const product = await this.find(id);
    await this.tx.run(async (manager) => {
      await manager.update(Product, { id: product.id }, { sku: null, deletedAt: new Date() });
      await unindexProduct(manager, product.id);
    });
    await this.cacheVersions.bump('products');
  }

  private async find(id: number): Promise<Product> {
    const product = await this.products.findOne({ where: { id } });
    if (!product) throw notFound('Product', id);
    return product;
  }

  private async save(product: Product): Promise<Product> {
    try {
      // The product and its search words in one transaction (see TransactionRunner on SQLite).
      return await this.tx.run(async (manager) => {
        const saved = await manager.save(Product, product, { transaction: false });
        await indexProduct(manager, saved);
        return saved;
      });
    } catch (err) {
      if (isDuplicateError(err))
        throw conflict(`A product with sku "${product.sku}" already exists`);
      throw err;
    }
  }
}
