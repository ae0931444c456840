import { Body, Controller, Get, Header, HttpCode, Ip, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountResponseDto } from '../accounts/dto/account-response.dto';
import { PerUserCache } from '../common/decorators/cache-policy.decorator';
import { CacheTags } from '../http-cache/cache-tags';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Public } from '../common/decorators/public.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { LoginThrottle } from '../rate-limit/login-throttle.decorator';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { SelfServiceService } from './self-service.service';
import { LoginDto } from './dto/login.dto';
import { RefreshDto } from './dto/refresh.dto';
import { TokenResponseDto } from './dto/token-response.dto';

/** Token answers must never be stored by a cache or proxy (RFC 6749, section 5.1). */
const NO_STORE = ['Cache-Control', 'no-store'] as const;

@ApiTags('auth')
@ApiProblems(429, 503)
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly selfService: SelfServiceService,
  ) {}

  @Public()
  @LoginThrottle()
  @Post('login')
  @HttpCode(200)
  @Header(...NO_STORE)
  @ApiOperation({ summary: 'Sign in with username and password', operationId: 'login' })
  @ApiProblems(400, 401)
  login(@Body() dto: LoginDto): Promise<TokenResponseDto> {
    return this.auth.login(dto);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header(...NO_STORE)
  @ApiOperation({
    summary: 'Swap a refresh token for a new pair (rotation)',
    operationId: 'refresh',
  })
  @ApiProblems(400, 401)
  refresh(@Body() dto: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End this session (its refresh token stops working)',
    operationId: 'logout',
  })
  @ApiProblems(401)
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user);
  }

  @Get('me')
  // Fresh after a write to this account or its customer.
  @PerUserCache((me: AccountResponseDto) => [
    CacheTags.account(me.id),
    ...(me.customer ? [CacheTags.customer(me.customer.id)] : []),
  ])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in account, with its customer', operationId: 'me' })
  @ApiProblems(401)
  me(@CurrentUser() user: AuthUser): Promise<AccountResponseDto> {
    return this.auth.me(user);
  }

  @Patch('me')
  // CustomersService.update says what changed (GET /auth/me, orders with the name).
  @ApiBearerAuth()
  @ApiOperation({ summary: "Change the caller's own name or phone", operationId: 'updateMe' })
  @ApiProblems(400, 401, 403)
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto): Promise<AccountResponseDto> {
    return this.selfService.updateMe(user, dto);
  }

  @Post('me/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Change the caller's password (the account's other sessions end)",
    operationId: 'changePassword',
  })
  @ApiProblems(400, 401, 403)
  changePassword(
    @CurrentUser() user: AuthUser,
    @Body() dto: ChangePasswordDto,
    @Ip() ip: string,
  ): Promise<void> {
    return this.selfService.changePassword(user, dto, ip);
  }
}
