import { CanActivate, Module, Type } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule } from '../accounts/accounts.module';
import { CustomersModule } from '../customers/customers.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { Account } from '../accounts/entities/account.entity';
import { HttpCacheGuard } from '../http-cache/http-cache.guard';
import { AppThrottlerGuard } from '../rate-limit/app-throttler.guard';
import { authConfig } from '../config/auth.config';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SelfServiceService } from './self-service.service';
import { Session } from './entities/session.entity';
import { JwtAuthGuard } from './guards/jwt-auth.guard';
import { RolesGuard } from './guards/roles.guard';
import { JWT_ALGORITHM, jwtKey } from './jwt-key';
import { JwtStrategy } from './jwt.strategy';
import { TokenService } from './token.service';
import { BearerAccounts } from '../rate-limit/bearer-accounts';

/**
 * The global guards in the order they run: the rate limit first, so requests with a bad
 * token are counted too (ThrottlerModule is set up in RateLimitModule), then
 * authentication, then the role check.
 */
const GLOBAL_GUARD_CLASSES: Type<CanActivate>[] = [AppThrottlerGuard, JwtAuthGuard, RolesGuard];
export const GLOBAL_GUARDS = Symbol('GLOBAL_GUARDS');

@Module({
  imports: [
    AccountsModule,
    CustomersModule,
    RateLimitModule,
    PassportModule.register({ defaultStrategy: 'jwt', session: false }),
    TypeOrmModule.forFeature([Account, Session]),
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => ({
        // The same key and algorithm as JwtStrategy's (jwt-key.ts).
        secret: jwtKey(config),
        signOptions: { algorithm: JWT_ALGORITHM, expiresIn: config.accessTtlSeconds },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    SelfServiceService,
    TokenService,
    // The rate limiter's view of a bearer token (it never imports auth/).
    { provide: BearerAccounts, useExisting: TokenService },
    JwtStrategy,
    AdminBootstrapService,
    ...GLOBAL_GUARD_CLASSES,
    // Order matters (global guards run in registration order): see GLOBAL_GUARD_CLASSES.
    ...GLOBAL_GUARD_CLASSES.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
    // Last: not an access check but the response cache's per-route decisions, which need the
    // authenticated user (see HttpCacheGuard). Cache hits never reach it.
    { provide: APP_GUARD, useExisting: HttpCacheGuard },
    // The same instances, in the same order, for the response cache's fast path.
    {
      provide: GLOBAL_GUARDS,
      useFactory: (...guards: CanActivate[]) => guards,
      inject: GLOBAL_GUARD_CLASSES,
    },
  ],
  exports: [TokenService, GLOBAL_GUARDS],
})
export class AuthModule {}
