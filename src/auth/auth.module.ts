import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createSecretKey } from 'node:crypto';
import { AccountsModule } from '../accounts/accounts.module';
import { Account } from '../accounts/entities/account.entity';
import { GLOBAL_GUARDS, globalGuardProviders } from '../app.pipeline';
import { authConfig } from '../config/auth.config';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Session } from './entities/session.entity';
import { TokenService } from './token.service';

@Module({
  imports: [
    AccountsModule,
    TypeOrmModule.forFeature([Account, Session]),
    JwtModule.registerAsync({
      inject: [authConfig.KEY],
      useFactory: (config: ConfigType<typeof authConfig>) => ({
        // A KeyObject, not a string: see TokenService.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', expiresIn: config.accessTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    AdminBootstrapService,
    // The global guards of app.pipeline.ts, in its order (they need this module's providers).
    ...GLOBAL_GUARDS,
    ...globalGuardProviders(),
  ],
  exports: [TokenService],
})
export class AuthModule {}
