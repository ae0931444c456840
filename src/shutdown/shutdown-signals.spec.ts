import { EventEmitter } from 'node:events';
import type { INestApplication, Logger } from '@nestjs/common';
import { closeOnSignals, SignalSource } from './shutdown-signals';
import { ShutdownState } from './shutdown-state';

class FakeProcess extends EventEmitter implements SignalSource {
  readonly exit = jest.fn<void, [number]>();
}

function setUp(drainMs: number, close: () => Promise<void> = async () => undefined) {
  const state = new ShutdownState();
  const app = { get: () => state, close: jest.fn(close) } as unknown as INestApplication & {
    close: jest.Mock;
  };
  const proc = new FakeProcess();
  const logger = { log: jest.fn(), error: jest.fn() };
  closeOnSignals(app, drainMs, proc, logger as unknown as Logger);
  return { state, app, proc, logger };
}

/** Lets the promise chain behind a resolved close run to its end. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('closeOnSignals', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('on SIGTERM is not ready at once, serves for the drain, then closes and exits 0', async () => {
    const { state, app, proc } = setUp(5000);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(state.draining).toBe(true);
    jest.advanceTimersByTime(4999);
    await settle();
    expect(app.close).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    await settle();
    expect(app.close).toHaveBeenCalledTimes(1);
    expect(proc.exit).toHaveBeenCalledWith(0);
  });

  it.each([['SIGTERM'], ['SIGINT']])(
    'a second signal (%s) skips the rest of the drain',
    async (second) => {
      const { app, proc } = setUp(60_000);
      proc.emit('SIGTERM', 'SIGTERM');
      jest.advanceTimersByTime(100);
      proc.emit(second, second);
      await settle();
      expect(app.close).toHaveBeenCalledTimes(1);
      expect(proc.exit).toHaveBeenCalledWith(0);
    },
  );

  it('closes once, however many signals come', async () => {
    let finish: () => void = () => undefined;
    const { app, proc } = setUp(0, () => new Promise<void>((resolve) => (finish = resolve)));
    proc.emit('SIGINT', 'SIGINT');
    jest.advanceTimersByTime(0);
    await settle();
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('SIGINT', 'SIGINT');
    finish();
    await settle();
    expect(app.close).toHaveBeenCalledTimes(1);
    expect(proc.exit.mock.calls).toEqual([[0]]);
  });

  it('exits 1 when the close fails, after logging why', async () => {
    const { proc, logger } = setUp(0, () => Promise.reject(new Error('pool stuck')));
    proc.emit('SIGTERM', 'SIGTERM');
    jest.advanceTimersByTime(0);
    await settle();
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('pool stuck'));
    expect(proc.exit).toHaveBeenCalledWith(1);
  });
});
