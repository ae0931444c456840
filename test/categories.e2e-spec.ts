import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { expectProblem, Http } from './helpers/http';
import { customerSession } from './helpers/seed';

describe('Categories (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;
  let seq = 0;

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'browser')).token;
  });
  afterAll(async () => t.close());

  const category = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await http.post('/categories', { name, ...extra }, { token: admin });
    expect(res.status).toBe(201);
    return res.body as { id: number; slug: string; parentId: number | null };
  };
  const product = async (categoryIds: number[], extra: Record<string, unknown> = {}) => {
    const res = await http.post(
      '/products',
      { name: `Categorised ${++seq}`, price: '1.00', categoryIds, ...extra },
      { token: admin },
    );
    expect(res.status).toBe(201);
    return res.body as { id: number; categories: { id: number; name: string; slug: string }[] };
  };
  const listIds = async (query: string, token = customer) => {
    const res = await http.get(`/products?${query}&limit=100`, { token });
    expect(res.status).toBe(200);
    return (res.body.data as { id: number }[]).map((p) => p.id).sort((a, b) => a - b);
  };
  const countOf = async (id: number) =>
    (await http.get(`/categories/${id}`, { token: customer })).body.productCount as number;

  it('derives the slug from the name, keeps it on rename, and refuses a taken one (409)', async () => {
    const c = await category('Café & Crème Brûlée');
    expect(c).toMatchObject({ slug: 'cafe-creme-brulee', parentId: null, productCount: 0 });
    const renamed = await http.patch(`/categories/${c.id}`, { name: 'Coffee' }, { token: admin });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Coffee', slug: 'cafe-creme-brulee' });
    // Taken, given or derived.
    expectProblem(
      await http.post('/categories', { name: 'X', slug: 'cafe-creme-brulee' }, { token: admin }),
      409,
    );
    expectProblem(
      await http.post('/categories', { name: 'Cafe creme brulee' }, { token: admin }),
      409,
    );
    const other = await category('Other');
    expectProblem(
      await http.patch(`/categories/${other.id}`, { slug: 'cafe-creme-brulee' }, { token: admin }),
      409,
    );
  });

  it.each([
    [{ name: '***' }, 'slug'],
    [{ name: 'Ok', slug: 'Upper' }, 'slug'],
    [{ name: 'Ok', slug: 'two--dashes' }, 'slug'],
    [{ name: 'Ok', slug: '-edge' }, 'slug'],
    [{ name: 'Ok', slug: null }, 'slug'],
    [{ name: '' }, 'name'],
    [{ name: 'Ok', parentId: 0 }, 'parentId'],
    [{ name: 'Ok', parentId: '1' }, 'parentId'],
    [{ name: 'Ok', extra: 1 }, 'extra'],
  ])('refuses %j with a 400 naming %s, writing nothing', async (body, field) => {
    const before = (await http.get('/categories', { token: admin })).body.data.length;
    const res = await http.post('/categories', body, { token: admin });
    expectProblem(res, 400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect((await http.get('/categories', { token: admin })).body.data).toHaveLength(before);
  });

  it('refuses an unknown parent with 422 and customers with 403', async () => {
    expectProblem(
      await http.post('/categories', { name: 'Orphan', parentId: 999999 }, { token: admin }),
      422,
    );
    expectProblem(await http.post('/categories', { name: 'Nope' }, { token: customer }), 403);
    const c = await category('Customer proof');
    expectProblem(await http.patch(`/categories/${c.id}`, { name: 'x' }, { token: customer }), 403);
    expectProblem(await http.delete(`/categories/${c.id}`, { token: customer }), 403);
    expectProblem(await http.get('/categories/999999', { token: customer }), 404);
    expectProblem(await http.patch('/categories/999999', { name: 'x' }, { token: admin }), 404);
  });

  it('refuses a move that would make a cycle (409) and moves a subtree', async () => {
    const a = await category('Tree A');
    const b = await category('Tree B', { parentId: a.id });
    const c = await category('Tree C', { parentId: b.id });
    expectProblem(
      await http.patch(`/categories/${a.id}`, { parentId: c.id }, { token: admin }),
      409,
    );
    expectProblem(
      await http.patch(`/categories/${a.id}`, { parentId: a.id }, { token: admin }),
      409,
    );
    const p = await product([c.id]);
    expect(await listIds(`category=${a.id}`)).toEqual([p.id]);
    // B (with C) moves to the top: A no longer holds C's product.
    const moved = await http.patch(`/categories/${b.id}`, { parentId: null }, { token: admin });
    expect(moved.body).toMatchObject({ parentId: null, productCount: 1 });
    expect(await listIds(`category=${a.id}`)).toEqual([]);
    expect(await listIds(`category=${b.id}`)).toEqual([p.id]);
    // And back under A, now allowed the other way round too.
    await http.patch(`/categories/${b.id}`, { parentId: a.id }, { token: admin });
    expect(await listIds(`category=${a.id}`)).toEqual([p.id]);
    const list = (await http.get('/categories', { token: customer })).body.data as {
      id: number;
      parentId: number | null;
    }[];
    const at = (id: number) => list.findIndex((x) => x.id === id);
    for (const x of list) if (x.parentId !== null) expect(at(x.parentId)).toBeLessThan(at(x.id));
    expect(at(a.id)).toBeLessThan(at(b.id));
    expect(at(b.id)).toBeLessThan(at(c.id));
  });

  it('filters products by category with descendants and counts each product once', async () => {
    const root = await category('Drinks');
    const tea = await category('Tea', { parentId: root.id });
    const green = await category('Green tea', { parentId: tea.id });
    const juice = await category('Juice', { parentId: root.id });
    const p1 = await product([green.id]);
    const p2 = await product([tea.id, green.id]);
    const p3 = await product([juice.id]);
    const gone = await product([green.id]);
    await http.delete(`/products/${gone.id}`, { token: admin });
    expect(p2.categories.map((c) => c.slug)).toEqual(['tea', 'green-tea']);
    expect(await listIds(`category=${root.id}`)).toEqual([p1.id, p2.id, p3.id]);
    expect(await listIds(`category=${tea.id}`)).toEqual([p1.id, p2.id]);
    expect(await listIds(`category=${green.id}`)).toEqual([p1.id, p2.id]);
    const page = await http.get(`/products?category=${root.id}&limit=2`, { token: customer });
    expect(page.body.meta).toMatchObject({ total: 3, totalPages: 2 });
    expect(await countOf(root.id)).toBe(3);
    expect(await countOf(tea.id)).toBe(2);
    expect(await countOf(juice.id)).toBe(1);
    // An update replaces the list.
    const moved = await http.patch(
      `/products/${p2.id}`,
      { categoryIds: [juice.id] },
      { token: admin },
    );
    expect(moved.body.categories).toEqual([{ id: juice.id, name: 'Juice', slug: 'juice' }]);
    expect(await listIds(`category=${tea.id}`)).toEqual([p1.id]);
    expect(await countOf(tea.id)).toBe(1);
    expectProblem(await http.get('/products?category=999999', { token: customer }), 404);
    expectProblem(await http.get('/products?category=abc', { token: customer }), 400);
  });

  it('validates categoryIds: more than 10 or repeated are 400, unknown 422, nothing written', async () => {
    const c = await category('Limits');
    const eleven = Array.from({ length: 11 }, (_, i) => i + 1);
    for (const categoryIds of [eleven, [c.id, c.id], [0], ['1'], null]) {
      const res = await http.post(
        '/products',
        { name: 'Bad categories', price: '1.00', categoryIds },
        { token: admin },
      );
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('categoryIds');
    }
    const unknown = await http.post(
      '/products',
      { name: 'Unknown category', price: '1.00', stock: 4, categoryIds: [c.id, 999999] },
      { token: admin },
    );
    expectProblem(unknown, 422);
    const p = await product([c.id]);
    expectProblem(
      await http.patch(
        `/products/${p.id}`,
        { name: 'Renamed', categoryIds: [999999] },
        { token: admin },
      ),
      422,
    );
    const after = await http.get(`/products/${p.id}`, { token: admin });
    expect(after.body.categories).toEqual([{ id: c.id, name: 'Limits', slug: 'limits' }]);
    expect(after.body.name).not.toBe('Renamed');
    const search = await http.get('/products?search=Unknown%20category', { token: admin });
    expect(search.body.data).toEqual([]);
  });

  it('refuses deleting a category with children or live products (409), allows it after', async () => {
    const parent = await category('Deletable parent');
    const child = await category('Deletable child', { parentId: parent.id });
    expectProblem(await http.delete(`/categories/${parent.id}`, { token: admin }), 409);
    const p = await product([child.id]);
    expectProblem(await http.delete(`/categories/${child.id}`, { token: admin }), 409);
    // A deleted product no longer holds it.
    await http.delete(`/products/${p.id}`, { token: admin });
    expect((await http.delete(`/categories/${child.id}`, { token: admin })).status).toBe(204);
    expect((await http.delete(`/categories/${parent.id}`, { token: admin })).status).toBe(204);
    expectProblem(await http.get(`/categories/${parent.id}`, { token: admin }), 404);
  });

  it('shows a rename in cached product answers and counts at once', async () => {
    const c = await category('Before rename');
    const p = await product([c.id]);
    const read = () => http.get(`/products/${p.id}`, { token: customer });
    await read();
    expect((await read()).headers.get('x-cache')).toBe('HIT');
    await http.patch(`/categories/${c.id}`, { name: 'After rename' }, { token: admin });
    expect((await read()).body.categories).toEqual([
      { id: c.id, name: 'After rename', slug: 'before-rename' },
    ]);
    const list = () => http.get(`/products?category=${c.id}`, { token: customer });
    expect((await list()).body.data[0].categories[0].name).toBe('After rename');
    await http.get('/categories', { token: customer });
    await product([c.id]);
    expect(await countOf(c.id)).toBe(2);
    const all = (await http.get('/categories', { token: customer })).body.data as {
      id: number;
      productCount: number;
    }[];
    expect(all.find((x) => x.id === c.id)?.productCount).toBe(2);
  });

  it('keeps productCount and the category totals exact through orders, cancels, adjustments, recategorising, deletes and moves', async () => {
    const top = await category('Counted top');
    const left = await category('Counted left', { parentId: top.id });
    const right = await category('Counted right', { parentId: top.id });
    const other = await category('Counted other');
    const a = await product([left.id, right.id], { stock: 1 }); // in two siblings: once in top
    const b = await product([left.id], { stock: 2 });
    const c = await product([right.id]); // no stock
    // Every total and count against the products the filter lists (read without counters).
    const expectExact = async () => {
      for (const cat of [top, left, right, other]) {
        const all = await listIds(`category=${cat.id}`, admin);
        const inStock = await listIds(`category=${cat.id}&inStock=true`, admin);
        const out = await listIds(`category=${cat.id}&inStock=false`, admin);
        const total = async (q: string) =>
          (await http.get(`/products?category=${cat.id}${q}&limit=1`, { token: admin })).body.meta
            .total as number;
        expect([
          await total(''),
          await total('&inStock=true'),
          await total('&inStock=false'),
        ]).toEqual([all.length, inStock.length, out.length]);
        expect(await countOf(cat.id)).toBe(all.length);
      }
    };
    await expectExact();
    expect(await countOf(top.id)).toBe(3);
    // An order takes a's last unit: out of stock everywhere it is counted.
    const order = await http.post(
      '/orders',
      { items: [{ productId: a.id, quantity: 1 }] },
      { token: customer },
    );
    expect(order.status).toBe(201);
    await expectExact();
    expect(await listIds(`category=${top.id}&inStock=true`, admin)).toEqual([b.id]);
    // The cancel brings it back.
    expect(
      (await http.post(`/orders/${order.body.id}/cancel`, {}, { token: customer })).status,
    ).toBe(200);
    await expectExact();
    // Adjustments across 0, both ways.
    const adjust = (id: number, delta: number) =>
      http.post(
        `/products/${id}/stock-adjustments`,
        { delta, note: 'count check' },
        { token: admin },
      );
    expect((await adjust(c.id, 3)).status).toBe(201);
    expect((await adjust(b.id, -2)).status).toBe(201);
    await expectExact();
    // Recategorised (out of the tree, then back into one sibling), deleted, and a subtree moved.
    await http.patch(`/products/${a.id}`, { categoryIds: [other.id] }, { token: admin });
    await expectExact();
    await http.patch(`/products/${a.id}`, { categoryIds: [left.id, other.id] }, { token: admin });
    await expectExact();
    expect((await http.delete(`/products/${c.id}`, { token: admin })).status).toBe(204);
    await expectExact();
    expect(
      (await http.patch(`/categories/${left.id}`, { parentId: other.id }, { token: admin })).status,
    ).toBe(200);
    await expectExact();
    expect(await countOf(other.id)).toBe(2);
    expect(await countOf(top.id)).toBe(0);
  });

  it('keeps the category totals exact under dozens of concurrent orders, cancels and adjustments crossing 0', async () => {
    const top = await category('Raced top');
    const child = await category('Raced child', { parentId: top.id });
    const products = [
      await product([child.id], { stock: 1 }),
      await product([child.id, top.id], { stock: 2 }),
      await product([top.id], { stock: 1 }),
    ];
    const statuses: number[] = [];
    const placed: number[] = [];
    await Promise.all(
      Array.from({ length: 36 }, async (_, i) => {
        const p = products[i % products.length];
        if (i % 3 === 2) {
          const res = await http.post(
            `/products/${p.id}/stock-adjustments`,
            { delta: i % 2 === 0 ? 1 : -1, note: 'race' },
            { token: admin },
          );
          statuses.push(res.status);
          return;
        }
        const res = await http.post(
          '/orders',
          { items: [{ productId: p.id, quantity: 1 }] },
          { token: customer },
        );
        statuses.push(res.status);
        if (res.status !== 201) return;
        placed.push(res.body.id);
        if (i % 2 === 0) {
          const cancel = await http.post(`/orders/${res.body.id}/cancel`, {}, { token: customer });
          statuses.push(cancel.status);
        }
      }),
    );
    for (const s of statuses) expect([200, 201, 409]).toContain(s);
    expect(placed.length).toBeGreaterThan(2);
    for (const cat of [top, child]) {
      for (const q of ['', '&inStock=true', '&inStock=false']) {
        const res = await http.get(`/products?category=${cat.id}${q}&limit=100`, { token: admin });
        expect(res.body.meta.total).toBe(res.body.data.length);
      }
    }
  });
});
