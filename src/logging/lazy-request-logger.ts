import type { FastifyBaseLogger } from 'fastify';

type Bindings = Record<string, unknown>;
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** pino's loggers have it; FastifyBaseLogger's type does not name it. */
interface LevelAware {
  isLevelEnabled?(level: string): boolean;
}

/**
 * A request's logger, made only when something is logged. Fastify gives every request a
 * pino child (`request.log`) whose bindings (the request id) pino serialises through its
 * redaction at creation; most requests never log a line at the production level (warn),
 * so that work was thrown away on every request (~2.5% of a cached read's CPU:
 * docs/benchmarks.md, "Request loggers made when used"). This logger makes the very
 * same child on its first line at an enabled level and hands every call to it.
 *
 * Wired through Fastify's public `childLoggerFactory` option (app.factory.ts). Children
 * with options of their own (a route's log level) are made at once, as Fastify would.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return (this.made ?? this.parent).level;
  }

  set level(level: string) {
    this.real().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: object): FastifyBaseLogger {
    return this.real().child(bindings, options);
  }

  /** The child Fastify would have made, made once. */
  private real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  private write(level: Level, args: unknown[]): void {
    if (this.made === undefined && (this.parent as LevelAware).isLevelEnabled?.(level) === false) {
      return;
    }
    const real = this.real();
    Reflect.apply(real[level], real, args);
  }
}

/** Fastify's `childLoggerFactory`: lazy unless the child has options of its own. */
export function lazyChildLogger(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: object,
): FastifyBaseLogger {
  return Object.keys(options).length === 0
    ? new LazyRequestLogger(logger, bindings)
    : logger.child(bindings, options);
}
