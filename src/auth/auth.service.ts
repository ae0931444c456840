import { Inject, Injectable } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { AccountStateService } from '../accounts/account-state.service';
import { AccountResponseDto } from '../accounts/dto/account-response.dto';
import { Account } from '../accounts/entities/account.entity';
import { PasswordService } from '../accounts/password.service';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { notFound, unauthorized } from '../common/errors/domain-error';
import { authConfig } from '../config/auth.config';
import { LoginDto } from './dto/login.dto';
import { TokenResponseDto } from './dto/token-response.dto';
import { Session } from './entities/session.entity';
import { TokenService } from './token.service';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
/** Session ids as login makes them (randomUUID): anything else is no session, unlooked-up. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly passwords: PasswordService,
    private readonly tokens: TokenService,
    private readonly accountState: AccountStateService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {}

  /** Same answer and about the same time for an unknown user and a wrong password. */
  async login(dto: LoginDto): Promise<TokenResponseDto> {
    const account = await this.accounts.findOne({
      where: { username: dto.username.toLowerCase() },
      select: { id: true, role: true, tokenVersion: true, passwordHash: true },
    });
    const ok = account
      ? await this.passwords.verify(dto.password, account.passwordHash)
      : await this.passwords.verifyAgainstNothing(dto.password);
    if (!account || !ok) throw unauthorized('Invalid username or password');
    const session = this.sessions.create({
      id: randomUUID(),
      accountId: account.id,
      tokenVersion: account.tokenVersion,
      refreshTokenHash: '',
      expiresAt: new Date(Date.now() + this.config.refreshTtlSeconds * 1000),
      revokedAt: null,
    });
    const refreshToken = this.newRefreshToken(session.id);
    session.refreshTokenHash = sha256(refreshToken);
    await this.sessions.insert(session);
    return this.pair(account, session.id, refreshToken);
  }

  /**
   * Rotates the refresh token. A token that was already rotated away (a replay, or a
   * stolen copy) ends the whole session, so neither holder can go on.
   */
  async refresh(refreshToken: string): Promise<TokenResponseDto> {
    const sessionId = refreshToken.split('.')[0];
    const session = SESSION_ID.test(sessionId)
      ? await this.sessions.findOne({ where: { id: sessionId, revokedAt: IsNull() } })
      : null;
    if (!session || (session.expiresAt && session.expiresAt.getTime() < Date.now())) {
      throw unauthorized('Invalid or expired refresh token');
    }
    const presentedHash = sha256(refreshToken);
    if (presentedHash !== session.refreshTokenHash) {
      await this.endSession(session.id);
      throw unauthorized('Refresh token was already used; the session has ended');
    }
    const account = await this.accounts.findOne({
      where: { id: session.accountId },
      select: { id: true, role: true, tokenVersion: true },
    });
    if (!account || account.tokenVersion !== session.tokenVersion) {
      throw unauthorized('Session has ended');
    }
    const next = this.newRefreshToken(session.id);
    // Conditional on the old hash: of two concurrent refreshes with one token, one wins.
    const result = await this.sessions.update(
      { id: session.id, refreshTokenHash: presentedHash, revokedAt: IsNull() },
      { refreshTokenHash: sha256(next) },
    );
    if (result.affected !== 1) throw unauthorized('Refresh token was already used');
    return this.pair(account, session.id, next);
  }

  async logout(user: AuthUser): Promise<void> {
    await this.endSession(user.sessionId);
  }

  /** Ends a session: its refresh token and, on every instance at once, its access tokens. */
  private async endSession(sessionId: string): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.accountState.invalidateSession(sessionId);
  }

  async me(user: AuthUser): Promise<AccountResponseDto> {
    const account = await this.accounts.findOne({
      where: { id: user.id },
      relations: { customer: true },
    });
    if (!account) throw notFound('Account', user.id);
    return AccountResponseDto.from(account);
  }

  private newRefreshToken(sessionId: string): string {
    return `${sessionId}.${randomBytes(32).toString('base64url')}`;
  }

  private pair(
    account: Pick<Account, 'id' | 'role' | 'tokenVersion'>,
    sid: string,
    refreshToken: string,
  ): TokenResponseDto {
    return {
      accessToken: this.tokens.sign({
        sub: account.id,
        role: account.role,
        ver: account.tokenVersion,
        sid,
      }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.accessTtlSeconds,
    };
  }
}
