import { appConfig } from './app.config';

describe('appConfig', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  const drainWith = (env: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    return appConfig().shutdownDrainMs;
  };

  it('drains 5 s by default in production, not at all elsewhere', () => {
    expect(drainWith({ NODE_ENV: 'production', SHUTDOWN_DRAIN: undefined })).toBe(5000);
    expect(drainWith({ NODE_ENV: 'development', SHUTDOWN_DRAIN: undefined })).toBe(0);
    expect(drainWith({ NODE_ENV: undefined, SHUTDOWN_DRAIN: undefined })).toBe(0);
  });

  it('takes SHUTDOWN_DRAIN in seconds', () => {
    expect(drainWith({ NODE_ENV: 'production', SHUTDOWN_DRAIN: '0' })).toBe(0);
    expect(drainWith({ NODE_ENV: 'test', SHUTDOWN_DRAIN: '2' })).toBe(2000);
  });
});
