import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { appConfig } from './config/app.config';

async function bootstrap(): Promise<void> {
  const app = await createApp();
  const { port, host } = appConfig();
  await app.listen(port, host);
  new Logger('Bootstrap').log(`Storefront API on http://${host}:${port}/api/v1 (docs at /docs)`);
}

bootstrap().catch((err: unknown) => {
  // One clear line for configuration errors; the stack for anything else.
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Invalid configuration')) console.error(message);
  else console.error(err);
  process.exit(1);
});
