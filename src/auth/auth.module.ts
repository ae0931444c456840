import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PassportModule } from '@nestjs/passport';
import { AccountsModule } from '../accounts/accounts.module';
import { CustomersModule } from '../customers/customers.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { Account } from '../accounts/entities/account.entity';
import { GLOBAL_GUARDS, globalGuardProviders } from '../app.pipeline';
import { authConfig } from '../config/auth.config';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { SelfServiceService } from './self-service.service';
import { Session } from './entities/session.entity';
import { JWT_ALGORITHM, jwtKey } from './jwt-key';
import { JwtStrategy } from './jwt.strategy';
import { TokenService } from './token.service';
import { BearerAccounts } from '../rate-limit/bearer-accounts';

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
    // The global guards of app.pipeline.ts, in its order (they need this module's providers).
    ...GLOBAL_GUARDS,
    ...globalGuardProviders(),
  ],
  exports: [TokenService],
})
export class AuthModule {}
