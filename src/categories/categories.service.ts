import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { conflict, invalid, notFound, unprocessable } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { Product } from '../products/entities/product.entity';
import { ancestorsOf, productLeaves, readCounts, recount, shiftCounts } from './category-counters';
import { addToTree, isInSubtree, moveSubtree, parentsFirst } from './category-tree';
import { CategoryListDto, CategoryRefDto, CategoryResponseDto } from './dto/category-response.dto';
import { CreateCategoryDto } from './dto/create-category.dto';
import { UpdateCategoryDto } from './dto/update-category.dto';
import { Category, CategoryClosure, ProductCategory } from './entities/category.entity';
import { slugify } from './slug';

/**
 * The category tree (admin CRUD) and the products' side of it: validating and replacing a
 * product's categories, and the categories each product answers with. Every write bumps
 * 'categories' and 'products' after it is stored: product answers embed category names,
 * and product writes change productCount (products.service stamps the category set).
 */
@Injectable()
export class CategoriesService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly cache: CacheInvalidation,
  ) {}

  async list(): Promise<CategoryListDto> {
    return this.runner.read(async (em) => {
      const [all, counts] = await Promise.all([em.find(Category), this.counts(em)]);
      return {
        data: parentsFirst(all).map((c) => CategoryResponseDto.from(c, counts.get(c.id) ?? 0)),
      };
    });
  }

  async get(id: number): Promise<CategoryResponseDto> {
    return this.runner.read(async (em) => {
      const category = await em.findOne(Category, { where: { id } });
      if (!category) throw notFound('Category', id);
      return CategoryResponseDto.from(category, (await this.counts(em, id)).get(id) ?? 0);
    });
  }

  async create(dto: CreateCategoryDto): Promise<CategoryResponseDto> {
    const slug = dto.slug ?? derivedSlug(dto.name);
    const parentId = dto.parentId ?? null;
    const created = await this.writing(slug, () =>
      this.runner.run(async (tx) => {
        if (parentId !== null) await this.assertParent(tx, parentId);
        await this.assertSlugFree(tx, slug);
        const res = await tx.insert(Category, { name: dto.name, slug, parentId });
        const id = Number(res.identifiers[0]?.id);
        await addToTree(tx, id, parentId);
        await tx.query(
          'INSERT INTO category_counters (categoryId, products, inStock) VALUES (?, 0, 0)',
          [id],
        );
        return tx.findOneByOrFail(Category, { id });
      }),
    );
    await this.cache.changed(...CATEGORY_CHANGE);
    return CategoryResponseDto.from(created, 0);
  }

  async update(id: number, dto: UpdateCategoryDto): Promise<CategoryResponseDto> {
    const updated = await this.writing(dto.slug ?? '', () =>
      this.runner.run(async (em) => {
        const category = await em.findOne(Category, { where: { id } });
        if (!category) throw notFound('Category', id);
        // A rename keeps the slug: links made with it stay valid.
        if (dto.name !== undefined) category.name = dto.name;
        if (dto.slug !== undefined && dto.slug !== category.slug) {
          await this.assertSlugFree(em, dto.slug);
          category.slug = dto.slug;
        }
        if (dto.parentId !== undefined && dto.parentId !== category.parentId) {
          const parentId = dto.parentId;
          if (parentId !== null) {
            await this.assertParent(em, parentId);
            if (await isInSubtree(em, id, parentId)) {
              throw conflict(
                `Category ${parentId} is ${id} itself or below it: that would make a cycle`,
              );
            }
          }
          // Its old and new ancestors gain or lose the subtree's products: counted again.
          const before = await ancestorsOf(em, [id]);
          await moveSubtree(em, id, parentId);
          const after = await ancestorsOf(em, [id]);
          await recount(
            em,
            [...new Set([...before, ...after])].filter((a) => a !== id),
          );
          category.parentId = parentId;
        }
        await em.save(Category, category);
        return [category, (await this.counts(em, id)).get(id) ?? 0] as const;
      }),
    );
    await this.cache.changed(...CATEGORY_CHANGE);
    return CategoryResponseDto.from(updated[0], updated[1]);
  }

  /** 409 while it has children or products that are not deleted. */
  async remove(id: number): Promise<void> {
    await this.runner.run(async (em) => {
      if (!(await em.exists(Category, { where: { id } }))) throw notFound('Category', id);
      if (await em.exists(Category, { where: { parentId: id } })) {
        throw conflict(`Category ${id} has subcategories: move or delete them first`);
      }
      const used = await em
        .createQueryBuilder(ProductCategory, 'pc')
        .innerJoin(Product, 'p', 'p.id = pc.productId AND p.deletedAt IS NULL')
        .where('pc.categoryId = :id', { id })
        .getExists();
      if (used) throw conflict(`Category ${id} still has products: recategorise them first`);
      // Deleted products' links go with it (their orders keep their own snapshot).
      await em.delete(ProductCategory, { categoryId: id });
      await em.delete(CategoryClosure, { descendantId: id });
      await em.delete(Category, { id });
      await em.query('DELETE FROM category_counters WHERE categoryId = ?', [id]);
    });
    await this.cache.changed(...CATEGORY_CHANGE);
  }

  /**
   * Replaces a live product's categories, in the caller's transaction (which holds the
   * product's row lock: `inStock` is its current stock > 0); an unknown id is 422. The
   * categories it joins or leaves, ancestors included, count it or stop counting it.
   */
  async assign(
    em: EntityManager,
    productId: number,
    categoryIds: readonly number[],
    inStock: boolean,
  ) {
    if (categoryIds.length > 0) {
      const found = await em.find(Category, { where: { id: In([...categoryIds]) } });
      const missing = categoryIds.filter((id) => !found.some((c) => c.id === id));
      if (missing.length > 0) {
        throw unprocessable(
          `Categor${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} not found`,
          missing.map((id) => ({ field: 'categoryIds', message: `category ${id} does not exist` })),
        );
      }
    }
    const old = await em.find(ProductCategory, { where: { productId } });
    const before = await ancestorsOf(
      em,
      old.map((pc) => pc.categoryId),
    );
    const after = await ancestorsOf(em, categoryIds);
    await em.delete(ProductCategory, { productId });
    if (categoryIds.length > 0) {
      await em.insert(
        ProductCategory,
        categoryIds.map((categoryId) => ({ productId, categoryId })),
      );
    }
    await shiftCounts(
      em,
      [...after].filter((a) => !before.has(a)),
      1,
      inStock,
    );
    await shiftCounts(
      em,
      [...before].filter((a) => !after.has(a)),
      -1,
      inStock,
    );
  }

  /** A live product is being deleted (caller's transaction): no category counts it any more. */
  async productDeleted(em: EntityManager, productId: number, inStock: boolean): Promise<void> {
    await productLeaves(em, productId, inStock);
  }

  /** The exact number of live products in the category and its descendants (inStock: of those in or out of stock). */
  async countIn(categoryId: number, inStock?: boolean): Promise<number> {
    const counts = await this.runner.read((em) => readCounts(em, categoryId));
    const c = counts.get(categoryId);
    // Every category has its counter row from the transaction that made it.
    if (!c) throw notFound('Category', categoryId);
    return inStock === undefined ? c.products : inStock ? c.inStock : c.products - c.inStock;
  }

  /** Each product's categories, by category id; one query for a whole page. */
  async refsFor(
    productIds: readonly number[],
    em?: EntityManager,
  ): Promise<Map<number, CategoryRefDto[]>> {
    const byProduct = new Map<number, CategoryRefDto[]>();
    if (productIds.length === 0) return byProduct;
    const load = (m: EntityManager) =>
      m
        .createQueryBuilder(ProductCategory, 'pc')
        .innerJoin(Category, 'c', 'c.id = pc.categoryId')
        .select(['pc.productId AS productId', 'c.id AS id', 'c.name AS name', 'c.slug AS slug'])
        .where('pc.productId IN (:...ids)', { ids: [...productIds] })
        .orderBy('c.id', 'ASC')
        .getRawMany<{ productId: number; id: number; name: string; slug: string }>();
    const rows = em ? await load(em) : await this.runner.read(load);
    for (const r of rows) {
      const list = byProduct.get(Number(r.productId)) ?? [];
      list.push({ id: Number(r.id), name: r.name, slug: r.slug });
      byProduct.set(Number(r.productId), list);
    }
    return byProduct;
  }

  /** Products (not deleted) per category, descendants included, each product once. */
  private async counts(em: EntityManager, only?: number): Promise<Map<number, number>> {
    const counts = await readCounts(em, only);
    return new Map([...counts].map(([id, c]) => [id, c.products]));
  }

  private async assertParent(em: EntityManager, parentId: number): Promise<void> {
    if (!(await em.exists(Category, { where: { id: parentId } }))) {
      throw unprocessable(`Parent category ${parentId} not found`, [
        { field: 'parentId', message: `category ${parentId} does not exist` },
      ]);
    }
  }

  private async assertSlugFree(em: EntityManager, slug: string): Promise<void> {
    if (await em.exists(Category, { where: { slug } })) throw slugTaken(slug);
  }

  /** A concurrent insert of the same slug is a 409 too, not a 500. */
  private async writing<T>(slug: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isDuplicateError(err)) throw slugTaken(slug);
      throw err;
    }
  }
}

function derivedSlug(name: string): string {
  const slug = slugify(name);
  if (slug === '') {
    const message = 'the name gives no slug (no letter or digit a-z, 0-9): give a slug';
    throw invalid('A slug cannot be made from this name', [{ field: 'slug', message }]);
  }
  return slug;
}

function slugTaken(slug: string) {
  return conflict(`The slug "${slug}" is taken`);
}

/** A category write changes the tree, the lists filtered by it and every product answer. */
const CATEGORY_CHANGE = [CacheTags.categorySet, CacheTags.productSet, CacheTags.allProducts];
