import { SetMetadata } from '@nestjs/common';

export const LOGIN_THROTTLE_KEY = 'loginThrottle';
/**
 * Puts a route under the `login` throttler as well: LOGIN_THROTTLE_LIMIT attempts per
 * LOGIN_THROTTLE_TTL per client address and username (body `username`).
 */
export const LoginThrottle = () => SetMetadata(LOGIN_THROTTLE_KEY, true);
