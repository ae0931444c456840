/**
 * The fences' tests: each checks, against the installed library, exactly what the app
 * relies on, so an upgrade that changes it fails here, by name, not somewhere downstream.
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  Injectable,
  NestInterceptor,
  Post,
  UseGuards,
  UseInterceptors,
  CanActivate,
} from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { SkipThrottle, Throttle } from '@nestjs/throttler';
import { getMetadataStorage, IsString, MinLength, validateSync } from 'class-validator';
import { createServer, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { DataSource, Entity, PrimaryGeneratedColumn, Column } from 'typeorm';
import { memoiseValidationMetadata } from './class-validator.fence';
import {
  ExecutionContextHost,
  FASTIFY_ROUTE_CONFIG_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
  RouteParamtypes,
  THROTTLER_BLOCK_DURATION,
  THROTTLER_KEY_GENERATOR,
  THROTTLER_LIMIT,
  THROTTLER_SKIP,
  THROTTLER_TRACKER,
  THROTTLER_TTL,
  applicationConfigOf,
} from './nest.fence';
import { closeListenerOnly, replaceServerClose } from './node-net.fence';
import { mysqlPoolOptionsOf, sqliteDatabaseOf, wrapSharedQuery } from './typeorm.fence';

@Injectable()
class AGuard implements CanActivate {
  canActivate() {
    return true;
  }
}
@Injectable()
class AnInterceptor implements NestInterceptor {
  intercept() {
    return undefined as never;
  }
}

@Controller('fenced')
class Fenced {
  @Get('read')
  @UseGuards(AGuard)
  @UseInterceptors(AnInterceptor)
  @RouteConfig({ mark: 1 })
  @Throttle({ default: { limit: 2, ttl: 3, blockDuration: 4 } })
  @SkipThrottle({ login: true })
  read() {
    return 'read';
  }

  @Post('write')
  write(@Body() body: unknown) {
    return body;
  }
}

describe('nest.fence', () => {
  const handler = Object.getOwnPropertyDescriptor(Fenced.prototype, 'read')!.value as object;

  it("ExecutionContextHost is Nest's context for [request, reply] and a route", () => {
    const req = {};
    const ctx = new ExecutionContextHost([req, {}], Fenced, Fenced.prototype.read);
    expect(ctx.getClass()).toBe(Fenced);
    expect(ctx.getHandler()).toBe(Fenced.prototype.read);
    expect(ctx.getType()).toBe('http');
    expect(ctx.switchToHttp().getRequest()).toBe(req);
  });

  it("applicationConfigOf reads the app's global guards and interceptors", async () => {
    const { NestFactory } = await import('@nestjs/core');
    const { Module } = await import('@nestjs/common');
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    @Module({})
    class EmptyModule {}
    const app = await NestFactory.create(EmptyModule, new FastifyAdapter(), { logger: false });
    try {
      const config = applicationConfigOf(app);
      expect(config.getGlobalGuards()).toEqual([]);
      expect(config.getGlobalInterceptors()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('the decorators write the keys the app reads', () => {
    expect(Reflect.getMetadata(PATH_METADATA, Fenced)).toBe('fenced');
    expect(Reflect.getMetadata(PATH_METADATA, handler)).toBe('read');
    expect(Reflect.getMetadata(GUARDS_METADATA, handler)).toEqual([AGuard]);
    expect(Reflect.getMetadata(INTERCEPTORS_METADATA, handler)).toEqual([AnInterceptor]);
    expect(Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler)).toEqual({ mark: 1 });
  });

  it('@Body() is a route argument of type BODY at its index', () => {
    const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, Fenced, 'write') as Record<
      string,
      { index: number }
    >;
    expect(args[`${RouteParamtypes.BODY}:0`]).toMatchObject({ index: 0 });
  });

  it("@nestjs/throttler's decorators write the THROTTLER_* keys, per throttler name", () => {
    expect(Reflect.getMetadata(THROTTLER_LIMIT + 'default', handler)).toBe(2);
    expect(Reflect.getMetadata(THROTTLER_TTL + 'default', handler)).toBe(3);
    expect(Reflect.getMetadata(THROTTLER_BLOCK_DURATION + 'default', handler)).toBe(4);
    expect(Reflect.getMetadata(THROTTLER_SKIP + 'login', handler)).toBe(true);
    for (const key of [THROTTLER_TRACKER, THROTTLER_KEY_GENERATOR]) {
      expect(typeof key).toBe('string');
      expect(key.length).toBeGreaterThan(0);
    }
  });
});

describe('class-validator.fence', () => {
  class Dto {
    @IsString()
    @MinLength(3)
    name!: string;
  }

  it('the storage methods it replaces exist, and validation still finds every rule', () => {
    const storage = getMetadataStorage();
    expect(typeof storage.getTargetValidationMetadatas).toBe('function');
    expect(typeof storage.groupByPropertyName).toBe('function');
    memoiseValidationMetadata();
    const metas = storage.getTargetValidationMetadatas(Dto, '', false, false);
    expect(metas.map((m) => m.propertyName)).toEqual(['name', 'name']);
    // validate() goes through the replaced methods: the rules must still apply.
    expect(validateSync(Object.assign(new Dto(), { name: 'ab' }))).toHaveLength(1);
    expect(validateSync(Object.assign(new Dto(), { name: 'abc' }))).toHaveLength(0);
    expect(validateSync(Object.assign(new Dto(), { name: 5 }))[0].constraints).toHaveProperty(
      'isString',
    );
  });
});

@Entity('fence_rows')
class FenceRow {
  @PrimaryGeneratedColumn() id!: number;
  @Column({ type: 'varchar' }) name!: string;
}

describe('typeorm.fence', () => {
  let sqlite: DataSource;
  beforeAll(async () => {
    sqlite = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [FenceRow],
      synchronize: true,
    });
    await sqlite.initialize();
  });
  afterAll(async () => sqlite.destroy());

  it('sqliteDatabaseOf is the better-sqlite3 connection TypeORM uses', () => {
    const db = sqliteDatabaseOf(sqlite);
    db.prepare("INSERT INTO fence_rows (name) VALUES ('direct')").run();
    return expect(sqlite.getRepository(FenceRow).count()).resolves.toBe(1);
  });

  it('wrapSharedQuery sees every statement: data source, repository and transaction', async () => {
    const seen: string[] = [];
    wrapSharedQuery(sqlite, (query) => (...args) => {
      seen.push(String(args[0]));
      return query(...args);
    });
    await sqlite.query('SELECT 1');
    await sqlite.getRepository(FenceRow).findOneBy({ id: 1 });
    await sqlite.transaction((em) => em.getRepository(FenceRow).insert({ name: 'tx' }));
    expect(seen[0]).toBe('SELECT 1');
    expect(seen.some((s) => /FROM "fence_rows"/.test(s))).toBe(true);
    expect(seen.some((s) => /^BEGIN/.test(s))).toBe(true);
    expect(seen.some((s) => /^INSERT INTO "fence_rows"/.test(s))).toBe(true);
    expect(seen.some((s) => /^COMMIT/.test(s))).toBe(true);
  });

  it("mysqlPoolOptionsOf gives TypeORM's own mysql2 options for the data source", () => {
    const mysql = new DataSource({
      type: 'mysql',
      url: 'mysql://shop:secret@db.example:3307/storefront',
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
    });
    expect(mysqlPoolOptionsOf(mysql)).toMatchObject({
      host: 'db.example',
      port: 3307,
      user: 'shop',
      password: 'secret',
      database: 'storefront',
      charset: 'utf8mb4_unicode_ci',
      timezone: 'Z',
    });
  });
});

describe('node-net.fence', () => {
  it('closes the listener and keeps an idle keep-alive connection open', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<string>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1', agent }, (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve(body));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toBe('ok'); // the connection is now idle, kept alive
      closeListenerOnly(server);
      expect(server.listening).toBe(false);
      // The idle connection still serves: http's close would have destroyed it.
      expect(await get()).toBe('ok');
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });
});

describe('node-net.fence: replaceServerClose', () => {
  it("is what Node's HTTP server calls to close a Connection: close answer's socket", async () => {
    let called = 0;
    const server = createServer((req, res) => {
      replaceServerClose(req.socket, function (this) {
        called++;
        this.destroy();
      });
      res.setHeader('connection', 'close');
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ port, host: '127.0.0.1' }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', reject);
        req.end();
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(called).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
