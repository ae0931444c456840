import { ExecutionContextHost } from '../fences/nest.fence';
import { SkipThrottle, Throttle, ThrottlerModuleOptions } from '@nestjs/throttler';
import { BearerAccounts } from './bearer-accounts';
import { MemoReflector } from '../common/memo-reflector';
import { AppThrottlerGuard } from './app-throttler.guard';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { LOGIN_THROTTLE_KEY, LoginThrottle } from './login-throttle.decorator';

class Routes {
  plain() {}
  @LoginThrottle()
  login() {}
  @SkipThrottle()
  health() {}
  @Throttle({ default: { limit: 1, ttl: 60_000 } })
  tight() {}
}

describe('AppThrottlerGuard', () => {
  let storage: MemoryThrottlerStorage;
  let guard: AppThrottlerGuard;

  beforeEach(async () => {
    storage = new MemoryThrottlerStorage();
    jest.spyOn(storage, 'increment');
    const options: ThrottlerModuleOptions = {
      throttlers: [
        { name: 'default', limit: 3, ttl: 60_000 },
        {
          name: 'login',
          limit: 2,
          ttl: 60_000,
          getTracker: () => 'login:1.2.3.4:ada',
          skipIf: (ctx) => Reflect.getMetadata(LOGIN_THROTTLE_KEY, ctx.getHandler()) !== true,
        },
      ],
    };
    const tokens: BearerAccounts = { accountOf: () => undefined };
    guard = new AppThrottlerGuard(options, storage, new MemoReflector(), tokens);
    await guard.onModuleInit();
  });

  const call = (handler: keyof Routes) => {
    const headers: Record<string, unknown> = {};
    const request = { ip: '1.2.3.4', headers: {} };
    const reply = { header: (k: string, v: unknown) => (headers[k] = v) };
    const context = new ExecutionContextHost([request, reply], Routes, Routes.prototype[handler]);
    return { result: guard.canActivate(context), headers };
  };
  const counted = () =>
    (storage.increment as jest.Mock).mock.calls.map((c: unknown[]) => c[4] as string);

  it('counts a plain route under the default throttler only, with the limit headers', async () => {
    const { result, headers } = call('plain');
    await expect(result).resolves.toBe(true);
    expect(counted()).toEqual(['default']);
    expect(headers).toMatchObject({ 'X-RateLimit-Limit': 3, 'X-RateLimit-Remaining': 2 });
  });

  it('adds the login throttler where @LoginThrottle() says, and blocks past its limit', async () => {
    await call('login').result;
    await call('login').result;
    expect(counted()).toEqual(['default', 'login', 'default', 'login']);
    await expect(call('login').result).rejects.toMatchObject({ status: 429 });
  });

  it('skips a route under @SkipThrottle()', async () => {
    await expect(call('health').result).resolves.toBe(true);
    expect(counted()).toEqual([]);
  });

  it('honours a route’s own @Throttle settings (the library’s path)', async () => {
    await expect(call('tight').result).resolves.toBe(true);
    await expect(call('tight').result).rejects.toMatchObject({ status: 429 });
  });

  it('works the plan out once per route, the same on every call', async () => {
    for (let i = 0; i < 3; i++) await call('plain').result;
    await expect(call('plain').result).rejects.toMatchObject({ status: 429 });
  });

  it('keys counters by route, throttler and client (login: address and username only), hashing only a long client part', async () => {
    const keys = () => (storage.increment as jest.Mock).mock.calls.map((c: unknown[]) => c[0]);
    await call('plain').result;
    await call('login').result;
    expect(keys()).toEqual([
      'Routes-plain-default-ip:1.2.3.4',
      'Routes-login-default-ip:1.2.3.4',
      // The login bucket is the same on every route that checks a password (loginKey).
      'login:1.2.3.4:ada',
    ]);
    const context = new ExecutionContextHost([], Routes, Routes.prototype.login);
    const long = guard['generateKey'](context, `login:1.2.3.4:${'a'.repeat(5000)}`, 'login');
    expect(long).toMatch(/^[0-9a-f]{64}$/);
  });
});
