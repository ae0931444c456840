import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Not, QueryDeepPartialEntity, Repository } from 'typeorm';
import { conflict, notFound, unprocessable } from '../common/errors/domain-error';
import { isDuplicateError, isMissingReferenceError } from '../common/errors/problem';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import { Keyset } from '../common/pagination/keyset';
import { mapPage, Page } from '../common/pagination/page.dto';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { Customer } from '../customers/entities/customer.entity';
import { TransactionRunner } from '../database/transaction-runner';
import { isMysql } from '../database/typeorm-options';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { AccountStateService } from './account-state.service';
import { AccountResponseDto } from './dto/account-response.dto';
import { CreateAccountDto } from './dto/create-account.dto';
import { UpdateAccountDto } from './dto/update-account.dto';
import { Account } from './entities/account.entity';
import { PasswordService } from './password.service';

const usernameTaken = (username: string) =>
  conflict(`An account with username "${username}" already exists`);
const customerTaken = (customerId: number) =>
  conflict(`Customer ${customerId} already has an account`);
const unknownCustomer = (customerId: number) =>
  unprocessable(`Customer ${customerId} does not exist`, [
    { field: 'customerId', message: `customer ${customerId} does not exist` },
  ]);

@Injectable()
export class AccountsService {
  constructor(
    @InjectRepository(Account) private readonly accounts: Repository<Account>,
    // Read only, to check that a customer exists (see CustomersModule for why not its service).
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly tx: TransactionRunner,
    private readonly passwords: PasswordService,
    private readonly accountState: AccountStateService,
    private readonly cache: CacheInvalidation,
    private readonly keyset: Keyset,
  ) {}

  async list(user: AuthUser, q: PageQueryDto): Promise<Page<AccountResponseDto>> {
    // A many-to-one join: one row per account, so LIMIT pages it (no DISTINCT subquery).
    const qb = this.accounts.createQueryBuilder('a').leftJoinAndSelect('a.customer', 'customer');
    const page = await this.keyset.page(qb, q, {
      scope: { list: 'accounts', caller: user.id, query: { limit: q.limit } },
      direction: 'ASC',
      columns: [{ column: 'a.id', value: (a) => a.id }],
      count: async () => ({ total: await this.accounts.count(), exact: true }),
    });
    return mapPage(page, AccountResponseDto.from);
  }

  async get(id: number): Promise<AccountResponseDto> {
    const account = await this.accounts.findOne({ where: { id }, relations: { customer: true } });
    if (!account) throw notFound('Account', id);
    return AccountResponseDto.from(account);
  }

  async create(dto: CreateAccountDto): Promise<AccountResponseDto> {
    const username = dto.username.toLowerCase();
    const role = dto.role ?? 'customer';
    const customerId = dto.customerId ?? null;
    // Checked first for a precise message; the unique indexes still decide under a race.
    if (await this.accounts.exists({ where: { username } })) throw usernameTaken(username);
    if (customerId !== null) {
      if (!(await this.customers.exists({ where: { id: customerId } }))) {
        throw unknownCustomer(customerId);
      }
      if (await this.accounts.exists({ where: { customerId } })) throw customerTaken(customerId);
    }
    const passwordHash = await this.passwords.hash(dto.password);
    let saved: Account;
    try {
      // One row: no implicit transaction (see TransactionRunner on SQLite).
      saved = await this.accounts.save(
        this.accounts.create({ username, passwordHash, role, customerId }),
        { transaction: false },
      );
    } catch (err) {
      throw await this.explainWriteError(err, username, customerId);
    }
    return this.get(saved.id);
  }

  /**
   * A new password bumps tokenVersion: access tokens carry the version and sessions store
   * it, so every earlier access and refresh token of the account is refused from now on.
   */
  async update(id: number, dto: UpdateAccountDto): Promise<AccountResponseDto> {
    const account = await this.accounts.findOne({ where: { id } });
    if (!account) throw notFound('Account', id);
    const changes: QueryDeepPartialEntity<Account> = {};
    if (dto.username !== undefined) {
      const username = dto.username.toLowerCase();
      if (username !== account.username) {
        if (await this.accounts.exists({ where: { username, id: Not(id) } })) {
          throw usernameTaken(username);
        }
        changes.username = username;
      }
    }
    const password = dto.password;
    if (password !== undefined) {
      changes.passwordHash = await this.passwords.hash(password);
      // Incremented in SQL so two concurrent changes both count.
      changes.tokenVersion = () => 'tokenVersion + 1';
    }
    if (Object.keys(changes).length > 0) {
      try {
        await this.accounts.update({ id }, changes);
      } catch (err) {
        throw await this.explainWriteError(err, dto.username?.toLowerCase(), null);
      }
    }
    if (password !== undefined) await this.accountState.invalidate(id);
    await this.cache.changed(CacheTags.account(id));
    return this.get(id);
  }

  /** Deletes the account (its sessions cascade), never its customer. */
  async remove(id: number): Promise<void> {
    await this.tx.run(async (manager) => {
      const account = await this.lockForRemoval(manager, { id });
      if (!account) throw notFound('Account', id);
      await manager.getRepository(Account).delete({ id });
    });
    await this.accountState.invalidate(id);
    await this.cache.changed(CacheTags.account(id));
  }

  /**
   * Inside a transaction about to delete the matching account (directly or through its
   * customer): refuses when it is the last administrator. On MySQL the administrator rows
   * are locked so two concurrent deletions cannot each see "one other admin left"; SQLite
   * serialises writers anyway.
   */
  async lockForRemoval(
    manager: EntityManager,
    where: FindOptionsWhere<Account>,
  ): Promise<Pick<Account, 'id' | 'role'> | null> {
    const repo = manager.getRepository(Account);
    const account = await repo.findOne({ where, select: { id: true, role: true } });
    if (!account || account.role !== 'admin') return account;
    const qb = repo
      .createQueryBuilder('a')
      .select('a.id')
      .where('a.role = :role', { role: 'admin' });
    if (isMysql(manager.connection.options)) qb.setLock('pessimistic_write');
    const admins = await qb.getMany();
    if (admins.length <= 1) throw conflict('The last administrator account cannot be deleted');
    return account;
  }

  /** Names the rule a failed write broke; the pre-checks lost a race if we get here. */
  private async explainWriteError(
    err: unknown,
    username: string | undefined,
    customerId: number | null,
  ): Promise<unknown> {
    if (isMissingReferenceError(err) && customerId !== null) return unknownCustomer(customerId);
    if (!isDuplicateError(err)) return err;
    if (username !== undefined && (await this.accounts.exists({ where: { username } }))) {
      return usernameTaken(username);
    }
    if (customerId !== null) return customerTaken(customerId);
    return conflict('An account with these values already exists');
  }
}
