import { createSecretKey, KeyObject } from 'node:crypto';
import type { AuthConfig } from '../config/auth.config';

/** The only algorithm tokens are signed and accepted with: `alg: none` or RS* never pass. */
export const JWT_ALGORITHM = 'HS256';

/**
 * The signing secret as a KeyObject, for the signer (JwtModule) and the verifier
 * (JwtStrategy) alike: given a string, jsonwebtoken tries createPublicKey on every verify,
 * which cost about 1 ms per request.
 */
export function jwtKey(config: Pick<AuthConfig, 'jwtSecret'>): KeyObject {
  return createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
}
