import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/decorators/current-user.decorator';
import { forbidden, notFound, unprocessable } from '../common/errors/domain-error';
import { lockCustomer } from '../customers/lock-customer';
import { TransactionRunner } from '../database/transaction-runner';
import { CacheInvalidation } from '../http-cache/cache-invalidation.service';
import { CacheTags } from '../http-cache/cache-tags';
import { AddressDto, UpdateAddressDto } from './dto/address.dto';
import { AddressListDto, AddressResponseDto } from './dto/address-response.dto';
import { Address } from './entities/address.entity';
import { snapshotOf } from './shipping';

/** A customer keeps at most this many saved addresses. */
export const MAX_ADDRESSES = 10;

/** The signed-in customer's saved addresses; another customer's are "not found". */
@Injectable()
export class AddressesService {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly cache: CacheInvalidation,
  ) {}

  async list(user: AuthUser): Promise<AddressListDto> {
    const customerId = customerOf(user);
    const rows = await this.runner.read((em) =>
      em.find(Address, { where: { customerId }, order: { id: 'ASC' } }),
    );
    return { data: rows.map((a) => AddressResponseDto.from(a)) };
  }

  /** The 11th is a 422; concurrent creates take turns, so the limit holds under a race too. */
  async create(user: AuthUser, dto: AddressDto): Promise<AddressResponseDto> {
    const customerId = customerOf(user);
    const created = await this.runner.run(async (em) => {
      await lockCustomer(em, customerId);
      const count = await em.count(Address, { where: { customerId } });
      if (count >= MAX_ADDRESSES) {
        throw unprocessable(
          `A customer keeps at most ${MAX_ADDRESSES} addresses; delete one before adding another`,
        );
      }
      const saved = await em.save(em.create(Address, { customerId, ...snapshotOf(dto) }));
      return AddressResponseDto.from(await em.findOneByOrFail(Address, { id: saved.id }));
    });
    await this.cache.changed(CacheTags.addresses(customerId));
    return created;
  }

  /** Orders placed with this address keep their own copy: they never change. */
  async update(user: AuthUser, id: number, dto: UpdateAddressDto): Promise<AddressResponseDto> {
    const customerId = customerOf(user);
    const updated = await this.runner.run(async (em) => {
      const address = await em.findOneBy(Address, { id, customerId });
      if (!address) throw notFound('Address', id);
      em.merge(Address, address, definedFields(dto));
      await em.save(address);
      return AddressResponseDto.from(await em.findOneByOrFail(Address, { id }));
    });
    await this.cache.changed(CacheTags.addresses(customerId));
    return updated;
  }

  async remove(user: AuthUser, id: number): Promise<void> {
    const customerId = customerOf(user);
    const res = await this.runner.run((em) => em.delete(Address, { id, customerId }));
    if (!res.affected) throw notFound('Address', id);
    await this.cache.changed(CacheTags.addresses(customerId));
  }
}

function customerOf(user: AuthUser): number {
  if (user.customerId === null) throw forbidden('This account has no customer');
  return user.customerId;
}

/** The fields a PATCH gives (undefined means "keep"; null clears an optional one). */
function definedFields(dto: UpdateAddressDto): Partial<Address> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
}
