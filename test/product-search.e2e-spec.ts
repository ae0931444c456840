import { ADMIN, startApp, TestApp } from './helpers/test-app';
import { Http } from './helpers/http';
import { customerSession } from './helpers/seed';

/** DESIGN.md, "Search": the same answers on SQLite and on MySQL/MariaDB. */
describe('Product search (e2e)', () => {
  let t: TestApp;
  let http: Http;
  let admin: string;
  let customer: string;
  const ids: Record<string, number> = {};

  const names = async (search: string, extra = '') => {
    const res = await http.get(`/products?search=${encodeURIComponent(search)}${extra}`, {
      token: customer,
    });
    expect(res.status).toBe(200);
    return (res.body.data as { name: string }[]).map((p) => p.name);
  };

  beforeAll(async () => {
    t = await startApp();
    http = new Http(t.baseUrl);
    admin = (await http.login(ADMIN.username, ADMIN.password)).accessToken;
    customer = (await customerSession(t.app, http, 'searcher')).token;
    // Created oldest first: newest first means the reverse of this list.
    for (const [name, price, description, sku] of [
      ['Desk lamp', '30.00', 'Walnut base', 'QX-900'],
      ['Floor Lamp', '50.00', 'A tall lamp for the corner', null],
      ['Crème brûlée torch', '12.00', null, 'CB-1KG'],
      ['Notebook lamp', '8.00', null, null],
      ['Reading light', '20.00', 'Clamp-on LAMP, warm', null],
      ['The A-Z atlas', '15.00', 'ΟΔΟΣ maps of Zürich', null],
      ['Oak desk', '90.00', 'Solid oak', null],
    ] as const) {
      const res = await http.post(
        '/products',
        { name, price, description: description ?? undefined, sku: sku ?? undefined },
        { token: admin },
      );
      expect(res.status).toBe(201);
      ids[name] = res.body.id;
    }
  });
  afterAll(async () => t.close());

  it('matches only at the start of a word', async () => {
    expect(await names('lam')).toEqual(
      expect.arrayContaining(['Desk lamp', 'Floor Lamp', 'Notebook lamp', 'Reading light']),
    );
    // "Clamp" holds "lamp" but does not start with it; "amp" starts no word.
    expect(await names('amp')).toEqual([]);
    expect(await names('lamps')).toEqual([]);
    expect(await names('cla')).toEqual(['Reading light']);
  });

  it('ignores case and accents alike, in the text and in the search', async () => {
    expect(await names('CREME BRULEE')).toEqual(['Crème brûlée torch']);
    expect(await names('crème')).toEqual(['Crème brûlée torch']);
    expect(await names('Brûl')).toEqual(['Crème brûlée torch']);
    expect(await names('zurich')).toEqual(['The A-Z atlas']);
    expect(await names('ZÜR')).toEqual(['The A-Z atlas']);
    // Greek: final sigma folds like any sigma.
    expect(await names('οδοσ')).toEqual(['The A-Z atlas']);
    expect(await names('Οδός')).toEqual(['The A-Z atlas']);
  });

  it('needs every term, each in any of name, description or SKU', async () => {
    expect(await names('lamp desk')).toEqual(['Desk lamp']);
    expect(await names('desk walnut')).toEqual(['Desk lamp']);
    expect(await names('lamp qx')).toEqual(['Desk lamp']);
    expect(await names('qx-900')).toEqual(['Desk lamp']);
    expect(await names('1kg')).toEqual(['Crème brûlée torch']);
    expect(await names('lamp oak')).toEqual([]);
    expect(await names('desk desk DESK')).toEqual(['Oak desk', 'Desk lamp']);
  });

  it('takes operator characters as separators and operator words as words', async () => {
    expect(await names('"desk" -lamp')).toEqual(['Desk lamp']);
    expect(await names('desk* +lamp~')).toEqual(['Desk lamp']);
    expect(await names('(desk) @lamp %_^:')).toEqual(['Desk lamp']);
    // NOT is a word: it must start a word ("Notebook"), it excludes nothing.
    expect(await names('lamp NOT desk')).toEqual([]);
    expect(await names('lamp NOT')).toEqual(['Notebook lamp']);
    expect(await names('lamp OR desk')).toEqual([]);
    expect(await names('lamp AND desk')).toEqual([]);
    expect(await names('NEAR')).toEqual([]);
  });

  it('narrows with terms shorter than any index minimum, stopwords included', async () => {
    expect(await names('a')).toEqual(expect.arrayContaining(['The A-Z atlas', 'Floor Lamp']));
    expect((await names('a')).sort()).toEqual(['Floor Lamp', 'The A-Z atlas']);
    expect(await names('the a z')).toEqual(['The A-Z atlas']);
    expect(await names('lamp the')).toEqual(['Floor Lamp']);
    expect(await names('lamp f')).toEqual(['Floor Lamp']);
    expect(await names('l w')).toEqual(['Reading light', 'Desk lamp']);
  });

  it('takes an empty search as none and a search without terms as matching nothing', async () => {
    const all = await http.get('/products?limit=100', { token: customer });
    const empty = await http.get('/products?search=&limit=100', { token: customer });
    expect(empty.status).toBe(200);
    expect(empty.body.meta.total).toBe(all.body.meta.total);
    expect(empty.body.data).toEqual(all.body.data);
    for (const search of ['***', '-', '"" ()', '%', '_', ' ']) {
      const res = await http.get(`/products?search=${encodeURIComponent(search)}`, {
        token: customer,
      });
      expect(res.status).toBe(200);
      // Blank is not empty: a search with no term.
      expect(res.body.meta.total).toBe(0);
      expect(res.body.data).toEqual([]);
    }
  });

  it('ranks every term in the name first, then the others, newest first in each', async () => {
    // Name matches: Notebook, Floor, Desk (newest first); then Reading light (description).
    expect(await names('lamp')).toEqual([
      'Notebook lamp',
      'Floor Lamp',
      'Desk lamp',
      'Reading light',
    ]);
    expect(await names('lamp a')).toEqual(['Floor Lamp']);
    const page = await http.get('/products?search=lamp&limit=2&page=2', { token: customer });
    expect(page.body.meta).toMatchObject({ page: 2, limit: 2, total: 4, totalPages: 2 });
    expect(page.body.data.map((p: { name: string }) => p.name)).toEqual([
      'Desk lamp',
      'Reading light',
    ]);
    // A page past the name matches, and a page past the end.
    const last = await http.get('/products?search=lamp&limit=1&page=4', { token: customer });
    expect(last.body.data.map((p: { name: string }) => p.name)).toEqual(['Reading light']);
    const after = await http.get('/products?search=lamp&limit=2&page=3', { token: customer });
    expect(after.body.data).toEqual([]);
    expect(after.body.meta.total).toBe(4);
    // Search pages by number only: no cursor out, and a cursor in is refused.
    expect(page.body.meta.nextCursor).toBeNull();
    const listed = await http.get('/products?limit=1', { token: customer });
    const cursor = encodeURIComponent(listed.body.meta.nextCursor as string);
    const refused = await http.get(`/products?search=lamp&limit=1&cursor=${cursor}`, {
      token: customer,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    // A prefix of several words takes the grouped plan: the same order.
    expect(await names('l')).toEqual(['Reading light', 'Notebook lamp', 'Floor Lamp', 'Desk lamp']);
  });

  it('keeps a given sort over the ranking, and combines with filters', async () => {
    expect(await names('lamp', '&sort=price')).toEqual([
      'Notebook lamp',
      'Reading light',
      'Desk lamp',
      'Floor Lamp',
    ]);
    expect(await names('lamp', '&sort=-name')).toEqual([
      'Reading light',
      'Notebook lamp',
      'Floor Lamp',
      'Desk lamp',
    ]);
    const cheap = await http.get('/products?search=lamp&maxPrice=25', { token: customer });
    expect(cheap.body.meta.total).toBe(2);
    expect(cheap.body.data.map((p: { name: string }) => p.name)).toEqual([
      'Notebook lamp',
      'Reading light',
    ]);
    const page = await http.get('/products?search=lamp&minPrice=10&limit=1&page=2', {
      token: customer,
    });
    expect(page.body.meta).toMatchObject({ total: 3, totalPages: 3 });
    expect(page.body.data.map((p: { name: string }) => p.name)).toEqual(['Desk lamp']);
  });

  it('follows updates and deletions', async () => {
    const res = await http.post(
      '/products',
      { name: 'Brass lantern', price: '5.00' },
      { token: admin },
    );
    expect(await names('brass')).toEqual(['Brass lantern']);
    await http.patch(
      `/products/${res.body.id}`,
      { name: 'Copper lantern', sku: 'CU-7' },
      { token: admin },
    );
    expect(await names('brass')).toEqual([]);
    expect(await names('copper cu')).toEqual(['Copper lantern']);
    await http.patch(`/products/${res.body.id}`, { price: '6.00' }, { token: admin });
    expect(await names('copper')).toEqual(['Copper lantern']);
    expect((await http.delete(`/products/${res.body.id}`, { token: admin })).status).toBe(204);
    expect(await names('copper')).toEqual([]);
    expect(await names('lantern')).toEqual([]);
  });
});
