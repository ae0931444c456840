/**
 * A username as a client may send it (sign-in, account create and update): 3..64 ASCII
 * letters, digits, `.`, `_` or `-`, nothing around it; case is ignored (stored lower-case).
 * Tested on the text as sent, before any lower-casing: `'\u212A'.toLowerCase()` (the Kelvin
 * sign) is an ASCII `k`.
 */
export const USERNAME_INPUT = /^[A-Za-z0-9._-]{3,64}$/;
export const USERNAME_MESSAGE = 'username must be 3..64 letters, digits, ".", "_" or "-"';

/**
 * The stored (lower-case) form of a username as sent, or null when no account can have it:
 * no trimming, no Unicode case or accent folding, so `ALICE ` or `álice` is never `alice`.
 */
export function canonicalUsername(value: unknown): string | null {
  return typeof value === 'string' && USERNAME_INPUT.test(value) ? value.toLowerCase() : null;
}
