import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { AccountStateService } from '../accounts/account-state.service';
import { Account } from '../accounts/entities/account.entity';
import { PasswordService } from '../accounts/password.service';
import { DomainError } from '../common/errors/domain-error';
import { authConfig } from '../config/auth.config';
import { AuthService } from './auth.service';
import { Session } from './entities/session.entity';
import { TokenService } from './token.service';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('AuthService', () => {
  let service: AuthService;
  const accounts = { findOne: jest.fn() };
  const sessions = {
    create: jest.fn((x: Partial<Session>) => ({ ...x })),
    insert: jest.fn(),
    findOne: jest.fn(),
    update: jest.fn(),
  };
  const passwords = { verify: jest.fn(), verifyAgainstNothing: jest.fn().mockResolvedValue(false) };
  const tokens = { sign: jest.fn().mockReturnValue('access.jwt') };
  const accountState = { invalidateSession: jest.fn() };
  const account = { id: 7, role: 'customer', tokenVersion: 2, passwordHash: '$2b$hash' };

  beforeEach(async () => {
    jest.clearAllMocks();
    const moduleRef = await Test.createTestingModule({
      providers: [
        AuthService,
        { provide: getRepositoryToken(Account), useValue: accounts },
        { provide: getRepositoryToken(Session), useValue: sessions },
        { provide: PasswordService, useValue: passwords },
        { provide: TokenService, useValue: tokens },
        { provide: AccountStateService, useValue: accountState },
        {
          provide: authConfig.KEY,
          useValue: { accessTtlSeconds: 900, refreshTtlSeconds: 3600 },
        },
      ],
    }).compile();
    service = moduleRef.get(AuthService);
  });

  describe('login', () => {
    it('issues a pair and stores only the hash of the refresh token', async () => {
      accounts.findOne.mockResolvedValue(account);
      passwords.verify.mockResolvedValue(true);
      const res = await service.login({ username: 'Ada', password: 'secret123' });
      expect(accounts.findOne).toHaveBeenCalledWith(
        expect.objectContaining({ where: { username: 'ada' } }),
      );
      expect(res).toMatchObject({ accessToken: 'access.jwt', tokenType: 'Bearer', expiresIn: 900 });
      const stored = sessions.insert.mock.calls[0][0] as Session;
      expect(stored.refreshTokenHash).toBe(sha256(res.refreshToken));
      expect(stored.refreshTokenHash).not.toContain(res.refreshToken);
      expect(stored.tokenVersion).toBe(2);
      expect(tokens.sign).toHaveBeenCalledWith({
        sub: 7,
        role: 'customer',
        ver: 2,
        sid: stored.id,
      });
    });

    it('refuses a wrong password with unauthorized', async () => {
      accounts.findOne.mockResolvedValue(account);
      passwords.verify.mockResolvedValue(false);
      await expect(service.login({ username: 'ada', password: 'bad' })).rejects.toMatchObject({
        code: 'unauthorized',
      });
      expect(sessions.insert).not.toHaveBeenCalled();
    });

    it('spends a hash comparison on unknown users too, and answers the same', async () => {
      accounts.findOne.mockResolvedValue(null);
      const err = await service
        .login({ username: 'ghost', password: 'bad' })
        .catch((e: unknown) => e);
      expect(passwords.verifyAgainstNothing).toHaveBeenCalledWith('bad');
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).message).toBe('Invalid username or password');
    });
  });

  describe('refresh', () => {
    const sid = '3f1c9a7e-7c1d-4a55-9a55-0b7f3f7c2c11';
    const token = `${sid}.secret`;
    const session = {
      id: sid,
      accountId: 7,
      tokenVersion: 2,
      refreshTokenHash: sha256(token),
      expiresAt: new Date(Date.now() + 60_000),
      revokedAt: null,
    };

    it('rotates on success with a conditional update', async () => {
      sessions.findOne.mockResolvedValue(session);
      accounts.findOne.mockResolvedValue(account);
      sessions.update.mockResolvedValue({ affected: 1 });
      const res = await service.refresh(token);
      expect(res.refreshToken).not.toBe(token);
      expect(res.refreshToken.startsWith(`${sid}.`)).toBe(true);
      expect(sessions.update).toHaveBeenCalledWith(
        expect.objectContaining({ id: sid, refreshTokenHash: sha256(token) }),
        { refreshTokenHash: sha256(res.refreshToken) },
      );
    });

    it('revokes the session when a rotated token is replayed', async () => {
      sessions.findOne.mockResolvedValue({ ...session, refreshTokenHash: sha256(`${sid}.newer`) });
      await expect(service.refresh(token)).rejects.toMatchObject({ code: 'unauthorized' });
      expect(sessions.update).toHaveBeenCalledWith(expect.objectContaining({ id: sid }), {
        revokedAt: expect.any(Date),
      });
      // Its access tokens end too, after the revocation is written.
      expect(accountState.invalidateSession).toHaveBeenCalledWith(sid);
      expect(accountState.invalidateSession.mock.invocationCallOrder[0]).toBeGreaterThan(
        sessions.update.mock.invocationCallOrder[0],
      );
    });

    it('refuses an expired session', async () => {
      sessions.findOne.mockResolvedValue({ ...session, expiresAt: new Date(Date.now() - 1) });
      await expect(service.refresh(token)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('refuses a session from before a password change', async () => {
      sessions.findOne.mockResolvedValue(session);
      accounts.findOne.mockResolvedValue({ ...account, tokenVersion: 3 });
      await expect(service.refresh(token)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('refuses when a concurrent refresh won the race', async () => {
      sessions.findOne.mockResolvedValue(session);
      accounts.findOne.mockResolvedValue(account);
      sessions.update.mockResolvedValue({ affected: 0 });
      await expect(service.refresh(token)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('refuses an unknown session', async () => {
      sessions.findOne.mockResolvedValue(null);
      await expect(service.refresh(`${sid.replace('3', '4')}.x`)).rejects.toMatchObject({
        code: 'unauthorized',
      });
    });

    it.each([[sid.toUpperCase()], [`${sid} `], ['sid-1'], ['']])(
      'refuses a session id %j that login never makes, without looking it up or ending anything',
      async (id) => {
        sessions.findOne.mockResolvedValue(session);
        await expect(service.refresh(`${id}.secret`)).rejects.toMatchObject({
          code: 'unauthorized',
        });
        expect(sessions.findOne).not.toHaveBeenCalled();
        expect(sessions.update).not.toHaveBeenCalled();
      },
    );
  });

  describe('logout', () => {
    it("ends the caller's session, then drops its cached state", async () => {
      await service.logout({ id: 7, role: 'customer', customerId: 1, sessionId: 'sid-9' });
      expect(sessions.update).toHaveBeenCalledWith(expect.objectContaining({ id: 'sid-9' }), {
        revokedAt: expect.any(Date),
      });
      expect(accountState.invalidateSession).toHaveBeenCalledWith('sid-9');
      expect(accountState.invalidateSession.mock.invocationCallOrder[0]).toBeGreaterThan(
        sessions.update.mock.invocationCallOrder[0],
      );
    });
  });
});
