import { INestApplication, Logger } from '@nestjs/common';
import { ShutdownState } from './shutdown-state';

/** The part of `process` used here (a fake in the unit tests). */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
}

/**
 * SIGTERM or SIGINT: readiness 503 at once, serve on for `drainMs` (a load balancer
 * notices and stops sending), then `app.close()` (stop accepting, finish what is in
 * flight, close the pools) and exit 0. A second signal skips what is left of the drain.
 * Instead of Nest's enableShutdownHooks, whose close starts at once, ignores a second
 * signal and ends by re-raising the signal (exit code 143, not 0).
 */
export function closeOnSignals(
  app: INestApplication,
  drainMs: number,
  proc: SignalSource = process,
  logger = new Logger('Shutdown'),
): void {
  const state = app.get(ShutdownState);
  let endDrain: (() => void) | undefined;
  let closing = false;

  const shutDown = async (signal: NodeJS.Signals): Promise<void> => {
    state.begin();
    logger.log(`${signal}: not ready any more; serving ${drainMs} ms longer, then closing`);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, drainMs);
      endDrain = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    closing = true;
    await app.close();
    logger.log('Closed; exiting');
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    if (endDrain) {
      if (!closing) logger.log(`${signal} again: skipping the rest of the drain`);
      endDrain();
      return;
    }
    void shutDown(signal).then(
      () => proc.exit(0),
      (err: unknown) => {
        logger.error(`Shutdown failed: ${err instanceof Error ? err.stack : String(err)}`);
        proc.exit(1);
      },
    );
  };
  proc.on('SIGTERM', onSignal);
  proc.on('SIGINT', onSignal);
}
