import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { closeOnSignals } from './shutdown/shutdown-signals';
import { appConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host, shutdownDrainMs } = appConfig();
  closeOnSignals(app, shutdownDrainMs);
  await app.listen(port, host);
  // The port bound, not the one asked for: PORT=0 picks a free one.
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  new Logger('Bootstrap').log(`Storefront API on http://${host}:${bound}/api/v1 (docs at /docs)`);
}

bootstrap().catch((err: unknown) => {
  // One clear line for configuration errors; the stack for anything else.
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Invalid configuration')) console.error(message);
  else console.error(err);
  process.exit(1);
});
