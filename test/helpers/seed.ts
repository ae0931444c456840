import * as bcrypt from 'bcrypt';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Http } from './http';

/** Inserts a customer and its account directly, for tests of features other than accounts. */
export async function seedCustomerAccount(
  app: NestFastifyApplication,
  username: string,
  password = 'customer-password',
): Promise<{ customerId: number; accountId: number }> {
  const ds = app.get<DataSource>(getDataSourceToken());
  const hash = await bcrypt.hash(password, 4);
  const c = await ds
    .getRepository('Customer')
    .save({ name: username, email: `${username}@example.com`, phone: '+4915100000000' });
  const a = await ds
    .getRepository('Account')
    .save({
      username: username.toLowerCase(),
      passwordHash: hash,
      role: 'customer',
      customerId: c.id,
    });
  return { customerId: c.id as number, accountId: a.id as number };
}

/** A signed-in customer: its ids and access token. */
export async function customerSession(app: NestFastifyApplication, http: Http, username: string) {
  const ids = await seedCustomerAccount(app, username);
  const tokens = await http.login(username, 'customer-password');
  return { ...ids, token: tokens.accessToken, refreshToken: tokens.refreshToken };
}
