import { registerAs } from '@nestjs/config';

export const appConfig = registerAs('app', () => ({
  env: process.env.NODE_ENV ?? 'development',
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '0.0.0.0',
  trustProxy: process.env.TRUST_PROXY === 'true',
  /** Seconds a request's head and body may take to arrive; then 408 (env.validation: >= 1). */
  requestTimeoutSeconds: Number(process.env.REQUEST_TIMEOUT ?? 30),
  logLevel: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  adminUsername: process.env.ADMIN_USERNAME ?? 'admin',
  adminPassword: process.env.ADMIN_PASSWORD,
  /** After SIGTERM, keep serving this long (readiness 503) so a load balancer can let go. */
  shutdownDrainMs:
    Number(process.env.SHUTDOWN_DRAIN ?? (process.env.NODE_ENV === 'production' ? 5 : 0)) * 1000,
}));
export type AppConfig = ReturnType<typeof appConfig>;
