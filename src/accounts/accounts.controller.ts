import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NoCache } from '../common/decorators/cache-policy.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { Roles } from '../common/decorators/roles.decorator';
import { ApiProblems } from '../common/openapi/api-problems.decorator';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { IdPipe } from '../common/pipes/id.pipe';
import { AccountsService } from './accounts.service';
import { AccountPageDto, AccountResponseDto } from './dto/account-response.dto';
import { CreateAccountDto } from './dto/create-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';

/** Admin only. Reads are @NoCache(): they must show every write at once, and are not hot. */
@ApiTags('accounts')
@ApiBearerAuth()
@Roles('admin')
@ApiProblems(401, 403, 429, 503)
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an account (admin); answers with its customer embedded',
    operationId: 'createAccount',
  })
  @ApiProblems(400, 409, 422)
  create(@Body() dto: CreateAccountDto): Promise<AccountResponseDto> {
    return this.accounts.create(dto);
  }

  @Get()
  @NoCache()
  // Embeds the customer: should these reads ever be cached, a customer write must reach them.
  @ApiOperation({
    summary: 'List accounts with their customers (admin)',
    operationId: 'listAccounts',
  })
  @ApiProblems(400)
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<AccountPageDto> {
    return this.accounts.list(user, query);
  }

  @Get(':id')
  @NoCache()
  @ApiOperation({ summary: 'Get an account with its customer (admin)', operationId: 'getAccount' })
  @ApiProblems(400, 404)
  get(@Param('id', IdPipe) id: number): Promise<AccountResponseDto> {
    return this.accounts.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change an account's username or password (admin); a new password ends its sessions",
    operationId: 'updateAccount',
  })
  @ApiProblems(400, 404, 409)
  update(
    @Param('id', IdPipe) id: number,
    @Body() dto: UpdateAccountDto,
  ): Promise<AccountResponseDto> {
    return this.accounts.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an account, not its customer (admin); its tokens stop working at once',
    operationId: 'deleteAccount',
  })
  @ApiProblems(400, 404, 409)
  remove(@Param('id', IdPipe) id: number): Promise<void> {
    return this.accounts.remove(id);
  }
}
