import { JwtService } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { TokenService } from './token.service';

describe('TokenService', () => {
  const key = createSecretKey(Buffer.from('k'.repeat(40)));
  const jwt = new JwtService({
    secret: key,
    signOptions: { algorithm: 'HS256', expiresIn: 60 },
    verifyOptions: { algorithms: ['HS256'] },
  });
  const tokens = new TokenService(jwt);

  it('round-trips the claims', () => {
    const token = tokens.sign({ sub: 1, role: 'admin', ver: 0, sid: 's' });
    expect(tokens.verify(token)).toMatchObject({ sub: 1, role: 'admin', ver: 0, sid: 's' });
  });

  it('returns null for a token without exp', () => {
    const noExp = new JwtService({ secret: key, signOptions: { algorithm: 'HS256' } });
    const token = noExp.sign({ sub: 1, role: 'admin', ver: 0, sid: 's' });
    expect(tokens.verify(token)).toBeNull();
  });

  it('returns null for a token with an unknown role or missing claims', () => {
    expect(tokens.verify(jwt.sign({ sub: 1, role: 'root', ver: 0, sid: 's' }))).toBeNull();
    expect(tokens.verify(jwt.sign({ sub: '1', role: 'admin', ver: 0, sid: 's' }))).toBeNull();
  });

  it('returns null for garbage', () => {
    expect(tokens.verify('not.a.token')).toBeNull();
  });

  it('refuses a remembered token once it has expired', () => {
    const fresh = new TokenService(jwt);
    const token = fresh.sign({ sub: 2, role: 'customer', ver: 0, sid: 's' });
    expect(fresh.verify(token)).not.toBeNull(); // now remembered
    const later = Date.now() + 61_000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      expect(fresh.verify(token)).toBeNull();
    } finally {
      spy.mockRestore();
    }
  });
});
