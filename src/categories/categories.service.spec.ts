import { EntityManager } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CategoriesService } from './categories.service';
import { parentsFirst } from './category-tree';
import { pickCategoryForm, productsInCategory } from './category-filter';
import { Category, CategoryClosure } from './entities/category.entity';
import { slugify } from './slug';

const cat = (id: number, parentId: number | null): Category =>
  ({ id, name: `c${id}`, slug: `c${id}`, parentId }) as Category;

describe('slugify', () => {
  it.each([
    ['Coffee beans', 'coffee-beans'],
    ['  Café & Crème  ', 'cafe-creme'],
    ['ÄÖÜ Straße 2, Œuvre', 'aou-strasse-2-oeuvre'],
    ['--a--b--', 'a-b'],
    ['***', ''],
    ['日本', ''],
  ])('%j -> %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    if (slug) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('stays within 200 characters without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(199)} b`);
    expect(slug).toBe('a'.repeat(199));
  });
});

describe('parentsFirst', () => {
  it('puts every parent before its children, siblings by id', () => {
    const order = parentsFirst([cat(5, 2), cat(2, 9), cat(9, null), cat(1, null), cat(3, 1)]);
    expect(order.map((c) => c.id)).toEqual([1, 9, 3, 2, 5]);
  });
});

describe('productsInCategory', () => {
  it('is one semi-join over the closure and the assignments, bound as a parameter', () => {
    const { sql, params } = productsInCategory('p.id', 7);
    expect(sql).toMatch(/^p\.id IN \(SELECT pc\.productId FROM category_closure cc /);
    expect(sql).not.toMatch(/DISTINCT/);
    expect(params).toEqual({ categoryFilter: 7 });
  });

  it('probes per product, correlated on the given column, when asked to', () => {
    const { sql, params } = productsInCategory('p.id', 7, 'probe');
    expect(sql).toMatch(/^\(SELECT 1 FROM product_categories pc /);
    expect(sql).toMatch(/WHERE pc\.productId = p\.id LIMIT 1\) IS NOT NULL$/);
    expect(params).toEqual({ categoryFilter: 7 });
  });
});

describe('pickCategoryForm', () => {
  it('collects a small category and probes a large one, by rows x all against matching^2', () => {
    expect(pickCategoryForm(100_000, 1_000_000, 20)).toBe('probe'); // ~200 probes vs 100,000
    expect(pickCategoryForm(11_111, 1_000_000, 20)).toBe('probe'); // ~1,800 vs 11,111
    expect(pickCategoryForm(1_000, 1_000_000, 20)).toBe('collect'); // 20,000 vs 1,000
    expect(pickCategoryForm(0, 1_000_000, 20)).toBe('collect');
    // A deep page by number reads all the rows before it either way.
    expect(pickCategoryForm(11_111, 1_000_000, 20 * 500)).toBe('collect');
  });
});

describe('CategoriesService', () => {
  /** A manager whose lookups answer from the given rows. */
  const managerWith = (categories: Category[], closure: CategoryClosure[]) => {
    const em = {
      exists: jest.fn(async (entity: unknown, { where }: { where: Record<string, unknown> }) => {
        if (entity === CategoryClosure) {
          return closure.some(
            (r) => r.ancestorId === where.ancestorId && r.descendantId === where.descendantId,
          );
        }
        return categories.some((c) =>
          Object.entries(where).every(
            ([k, v]) => (c as unknown as Record<string, unknown>)[k] === v,
          ),
        );
      }),
      findOne: jest.fn(
        async (_e: unknown, { where }: { where: { id: number } }) =>
          categories.find((c) => c.id === where.id) ?? null,
      ),
      insert: jest.fn(),
      save: jest.fn(),
    };
    return em;
  };
  const build = (em: unknown) => {
    const runner = {
      run: (work: (m: EntityManager) => Promise<unknown>) => work(em as EntityManager),
      read: (work: (m: EntityManager) => Promise<unknown>) => work(em as EntityManager),
    } as unknown as TransactionRunner;
    const cache = { changed: jest.fn() } as unknown as CacheInvalidation;
    return new CategoriesService(runner, cache);
  };

  it('refuses a name that gives no slug with 400 before any write', async () => {
    const em = managerWith([], []);
    await expect(build(em).create({ name: '!!!' })).rejects.toMatchObject({ code: 'invalid' });
    expect(em.insert).not.toHaveBeenCalled();
  });

  it('refuses a taken slug (409) and an unknown parent (422)', async () => {
    const em = managerWith([cat(1, null)], [{ ancestorId: 1, descendantId: 1, depth: 0 }]);
    await expect(build(em).create({ name: 'C1' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(build(em).create({ name: 'New', parentId: 4 })).rejects.toMatchObject({
      code: 'unprocessable',
    });
    expect(em.insert).not.toHaveBeenCalled();
  });

  it('refuses a move under its own descendant with 409', async () => {
    const closure = [
      { ancestorId: 1, descendantId: 1, depth: 0 },
      { ancestorId: 1, descendantId: 2, depth: 1 },
      { ancestorId: 2, descendantId: 2, depth: 0 },
    ];
    const em = managerWith([cat(1, null), cat(2, 1)], closure);
    await expect(build(em).update(1, { parentId: 2 })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(build(em).update(1, { parentId: 1 })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(em.save).not.toHaveBeenCalled();
  });
});
