import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, Repository } from 'typeorm';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { AccountStateService } from '../accounts/account-state.service';
import { AccountsService } from '../accounts/accounts.service';
import { conflict, notFound } from '../common/errors/domain-error';
import { isDuplicateError } from '../common/errors/problem';
import { cappedCount, Keyset } from '../common/pagination/keyset';
import { mapPage, Page } from '../common/pagination/page.dto';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerQueryDto } from './dto/customer-query.dto';
import { CustomerResponseDto } from './dto/customer-response.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import { Customer } from './entities/customer.entity';
import { indexCustomer, searchCustomers, searchTextOf } from './customer-search';

const emailTaken = (email: string) => conflict(`A customer with email "${email}" already exists`);

@Injectable()
export class CustomersService {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly tx: TransactionRunner,
    private readonly accounts: AccountsService,
    private readonly accountState: AccountStateService,
    private readonly cache: CacheInvalidation,
    private readonly keyset: Keyset,
  ) {}

  async list(user: AuthUser, q: CustomerQueryDto): Promise<Page<CustomerResponseDto>> {
    const qb = this.customers.createQueryBuilder('c');
    const order = q.search ? await searchCustomers(qb, q.search) : 'c.id';
    const { page: _page, cursor: _cursor, ...query } = q;
    const page = await this.keyset.page(qb, q, {
      scope: { list: 'customers', caller: user.id, query },
      direction: 'ASC',
      columns: [{ column: order, value: (c) => c.id }],
      // The table of people, not of orders: an exact count unless a search narrows it.
      count: async (filtered) =>
        q.search ? cappedCount(filtered) : { total: await filtered.getCount(), exact: true },
    });
    return mapPage(page, CustomerResponseDto.from);
  }

  async get(id: number): Promise<CustomerResponseDto> {
    return CustomerResponseDto.from(await this.find(id));
  }

  async create(dto: CreateCustomerDto): Promise<CustomerResponseDto> {
    const email = dto.email.toLowerCase();
    if (await this.customers.exists({ where: { email } })) throw emailTaken(email);
    const customer = this.customers.create({ name: dto.name, email, phone: dto.phone });
    return CustomerResponseDto.from(await this.save(customer));
  }

  async update(id: number, dto: UpdateCustomerDto): Promise<CustomerResponseDto> {
    const customer = await this.find(id);
    if (dto.email !== undefined) {
      const email = dto.email.toLowerCase();
      if (email !== customer.email) {
        if (await this.customers.exists({ where: { email, id: Not(id) } })) {
          throw emailTaken(email);
        }
        customer.email = email;
      }
    }
    if (dto.name !== undefined) customer.name = dto.name;
    if (dto.phone !== undefined) customer.phone = dto.phone;
    const saved = await this.save(customer);
    // Orders embed the name and e-mail, `me` the whole customer.
    await this.cache.changed(CacheTags.customer(id));
    return CustomerResponseDto.from(saved);
  }

  /**
   * Deletes the customer; the database cascades to its account (and the account's
   * sessions). The account id is looked up first so its cached auth state can be dropped:
   * its tokens must stop working now, not when the cache entry expires.
   */
  async remove(id: number): Promise<void> {
    const accountId = await this.tx.run(async (manager) => {
      const exists = await manager.getRepository(Customer).exists({ where: { id } });
      if (!exists) throw notFound('Customer', id);
      const account = await this.accounts.lockForRemoval(manager, { customerId: id });
      await manager.getRepository(Customer).delete({ id });
      return account?.id ?? null;
    });
    if (accountId !== null) await this.accountState.invalidate(accountId);
    await this.cache.changed(...customerRemoved(id, accountId));
  }

  private async find(id: number): Promise<Customer> {
    const customer = await this.customers.findOne({ where: { id } });
    if (!customer) throw notFound('Customer', id);
    return customer;
  }

  /**
   * The row and its search index in one transaction. The unique index is the final word on
   * e-mails: two concurrent requests may both pass the check.
   */
  private async save(customer: Customer): Promise<Customer> {
    const searchText = searchTextOf(customer);
    customer.searchText = searchText;
    try {
      return await this.tx.run(async (manager) => {
        const saved = await manager.getRepository(Customer).save(customer);
        await indexCustomer(manager, saved.id, searchText);
        return saved;
      });
    } catch (err) {
      if (isDuplicateError(err)) throw emailTaken(customer.email);
      throw err;
    }
  }
}

/** A deleted customer takes its account and its orders' customer with it. */
const customerRemoved = (id: number, accountId: number | null) => [
  CacheTags.customer(id),
  CacheTags.ordersOf(id),
  CacheTags.allOrders,
  ...(accountId !== null ? [CacheTags.account(accountId)] : []),
];
