import { Logger } from '@nestjs/common';
import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { durationToSeconds } from './duration';

export const authConfig = registerAs('auth', () => {
  let secret = process.env.JWT_SECRET;
  if (!secret) {
    // validateEnv already refused production without a secret.
    secret = randomBytes(48).toString('base64');
    new Logger('Config').warn(
      'JWT_SECRET is not set: using a random per-process secret (tokens die with the process)',
    );
  }
  return {
    jwtSecret: secret,
    accessTtlSeconds: durationToSeconds(process.env.JWT_EXPIRES_IN ?? '15m'),
    refreshTtlSeconds: durationToSeconds(process.env.REFRESH_TOKEN_TTL ?? '7d'),
    bcryptCost: Number(process.env.BCRYPT_COST ?? 12),
    loginThrottleLimit: Number(process.env.LOGIN_THROTTLE_LIMIT ?? 10),
    loginThrottleTtlSeconds: Number(process.env.LOGIN_THROTTLE_TTL ?? 900),
  };
});
export type AuthConfig = ReturnType<typeof authConfig>;
