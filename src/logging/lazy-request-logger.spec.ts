import type { FastifyBaseLogger } from 'fastify';
import fastify from 'fastify';
import { Writable } from 'node:stream';
import { lazyChildLogger, LazyRequestLogger } from './lazy-request-logger';

/** Fastify's own pino logger, as the app configures it, writing JSON lines into `lines`. */
function pinoInto(lines: Record<string, unknown>[], level: string): FastifyBaseLogger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return fastify({
    logger: { level, stream: sink, redact: { paths: ['*.password'], censor: '[redacted]' } },
  }).log;
}

describe('LazyRequestLogger', () => {
  it('makes no child for lines below the level, and the very child for a line at it', () => {
    const lines: Record<string, unknown>[] = [];
    const parent = pinoInto(lines, 'warn');
    const child = jest.spyOn(parent, 'child');
    const log = lazyChildLogger(parent, { reqId: 'r-1' }, {});
    expect(log).toBeInstanceOf(LazyRequestLogger);

    log.info({ req: 'x' }, 'incoming request');
    log.debug('detail');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(0);

    log.warn({ body: { password: 'secret' } }, 'refused');
    log.error('and again');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        reqId: 'r-1',
        msg: 'refused',
        body: { password: '[redacted]' },
      }),
      expect.objectContaining({ level: 50, reqId: 'r-1', msg: 'and again' }),
    ]);
  });

  it('reports the level, and a level set on it applies to its lines', () => {
    const lines: Record<string, unknown>[] = [];
    const log = lazyChildLogger(pinoInto(lines, 'warn'), { reqId: 'r-2' }, {});
    expect(log.level).toBe('warn');
    log.level = 'info';
    log.info('now shown');
    expect(lines).toEqual([expect.objectContaining({ level: 30, reqId: 'r-2', msg: 'now shown' })]);
  });

  it("makes a child at once when it has options of its own (a route's log level)", () => {
    const lines: Record<string, unknown>[] = [];
    const parent = pinoInto(lines, 'warn');
    const log: FastifyBaseLogger = lazyChildLogger(parent, { reqId: 'r-3' }, { level: 'info' });
    expect(log).not.toBeInstanceOf(LazyRequestLogger);
    log.info('shown at the route level');
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'r-3', msg: 'shown at the route level' }),
    ]);
  });

  it('gives children of its own the request binding', () => {
    const lines: Record<string, unknown>[] = [];
    const log = lazyChildLogger(pinoInto(lines, 'info'), { reqId: 'r-4' }, {});
    log.child({ part: 'db' }).info('nested');
    expect(lines).toEqual([expect.objectContaining({ reqId: 'r-4', part: 'db', msg: 'nested' })]);
  });
});
