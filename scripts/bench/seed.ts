/** Seeds the benchmark through the public API, as a shop would be filled. */
export interface BenchData {
  adminToken: string;
  productIds: number[];
  customers: { customerId: number; token: string }[];
  orders: { id: number; token: string }[];
  lastUnitsProductId: number;
  lastUnitsStock: number;
  stockOf(productId: number): Promise<number>;
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export async function seed(base: string, quick: boolean): Promise<BenchData> {
  const { accessToken: adminToken } = await call<{ accessToken: string }>(
    base,
    'POST',
    '/auth/login',
    undefined,
    {
      username: 'admin',
      password: 'bench-admin-password',
    },
  );
  const productIds: number[] = [];
  const nProducts = quick ? 50 : 500;
  for (let i = 0; i < nProducts; i++) {
    const p = await call<{ id: number }>(base, 'POST', '/products', adminToken, {
      name: `Bench product ${i}`,
      price: `${(i % 97) + 1}.${String(i % 100).padStart(2, '0')}`,
      stock: 1_000_000,
      description: 'Seeded by npm run bench',
    });
    productIds.push(p.id);
  }
  const lastUnitsStock = 100;
  const last = await call<{ id: number }>(base, 'POST', '/products', adminToken, {
    name: 'Last units',
    price: '9.99',
    stock: lastUnitsStock,
  });
  const customers: BenchData['customers'] = [];
  const run = Date.now().toString(36);
  for (let i = 0; i < 20; i++) {
    const c = await call<{ id: number }>(base, 'POST', '/customers', adminToken, {
      name: `Bench customer ${i}`,
      email: `bench-${run}-${i}@example.com`,
      phone: `+49151000${String(i).padStart(5, '0')}`,
    });
    const username = `bench-${run}-${i}`;
    await call(base, 'POST', '/accounts', adminToken, {
      username,
      password: 'bench-password',
      customerId: c.id,
    });
    const { accessToken } = await call<{ accessToken: string }>(
      base,
      'POST',
      '/auth/login',
      undefined,
      {
        username,
        password: 'bench-password',
      },
    );
    customers.push({ customerId: c.id, token: accessToken });
  }
  const orders: BenchData['orders'] = [];
  for (let i = 0; i < 100; i++) {
    const c = customers[i % customers.length];
    const o = await call<{ id: number }>(base, 'POST', '/orders', c.token, {
      items: [
        { productId: productIds[i % productIds.length], quantity: 1 },
        { productId: productIds[(i * 7 + 3) % productIds.length], quantity: 2 },
      ],
    });
    orders.push({ id: o.id, token: c.token });
  }
  return {
    adminToken,
    productIds,
    customers,
    orders,
    lastUnitsProductId: last.id,
    lastUnitsStock,
    stockOf: async (id) =>
      (await call<{ stock: number }>(base, 'GET', `/products/${id}`, adminToken)).stock,
  };
}
