import { EntityManager, In } from 'typeorm';
import { Category, CategoryClosure } from './entities/category.entity';

/**
 * Closure-table upkeep, inside the caller's transaction. Rows are read into memory and
 * written back with IN lists: MySQL refuses a DELETE whose subquery reads the same table.
 */

/** A new category's rows: itself at depth 0, then each ancestor of its parent one deeper. */
export async function addToTree(
  em: EntityManager,
  id: number,
  parentId: number | null,
): Promise<void> {
  const above = parentId === null ? [] : await ancestorsOf(em, parentId);
  await em.insert(CategoryClosure, [
    { ancestorId: id, descendantId: id, depth: 0 },
    ...above.map((a) => ({ ancestorId: a.ancestorId, descendantId: id, depth: a.depth + 1 })),
  ]);
}

/** True when `candidate` is `id` itself or one of its descendants (a move there is a cycle). */
export async function isInSubtree(
  em: EntityManager,
  id: number,
  candidate: number,
): Promise<boolean> {
  return em.exists(CategoryClosure, { where: { ancestorId: id, descendantId: candidate } });
}

/** Moves `id` and its subtree under `parentId` (null: to the top). The caller ruled out cycles. */
export async function moveSubtree(
  em: EntityManager,
  id: number,
  parentId: number | null,
): Promise<void> {
  const subtree = await em.find(CategoryClosure, { where: { ancestorId: id } });
  const inside = subtree.map((r) => r.descendantId);
  const oldAbove = (await ancestorsOf(em, id)).filter((a) => a.ancestorId !== id);
  if (oldAbove.length > 0) {
    await em.delete(CategoryClosure, {
      ancestorId: In(oldAbove.map((a) => a.ancestorId)),
      descendantId: In(inside),
    });
  }
  if (parentId === null) return;
  const newAbove = await ancestorsOf(em, parentId);
  const rows = newAbove.flatMap((a) =>
    subtree.map((d) => ({
      ancestorId: a.ancestorId,
      descendantId: d.descendantId,
      depth: a.depth + d.depth + 1,
    })),
  );
  // Bounded statements: a wide subtree under a deep parent makes many rows.
  for (let i = 0; i < rows.length; i += 500) {
    await em.insert(CategoryClosure, rows.slice(i, i + 500));
  }
}

function ancestorsOf(em: EntityManager, id: number): Promise<CategoryClosure[]> {
  return em.find(CategoryClosure, { where: { descendantId: id } });
}

/** Parents before children: breadth-first from the roots, siblings by id. */
export function parentsFirst(categories: readonly Category[]): Category[] {
  const children = new Map<number | null, Category[]>();
  for (const c of [...categories].sort((a, b) => a.id - b.id)) {
    const list = children.get(c.parentId) ?? [];
    list.push(c);
    children.set(c.parentId, list);
  }
  const out: Category[] = [];
  const queue = [...(children.get(null) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as Category;
    out.push(next);
    queue.push(...(children.get(next.id) ?? []));
  }
  return out;
}
