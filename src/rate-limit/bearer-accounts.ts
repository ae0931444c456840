/**
 * What the rate limiter needs from authentication: the account of a valid bearer token,
 * before the JWT guard runs (a valid token makes the account the client). An abstract
 * class, so it is its own injection token; AuthModule provides it (TokenService), and this
 * folder never imports auth/.
 */
export abstract class BearerAccounts {
  /** The account of a valid (signed, unexpired) bearer token in the header, if there is one. */
  abstract accountOf(authorization: string | undefined): number | undefined;
}
