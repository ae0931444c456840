import { invalid, notFound } from '../common/errors/domain-error';
import { statement, step, StatementScript } from '../database/statement-script';
import { AddressDto } from './dto/address.dto';
import { ShippingAddressResponseDto } from './dto/address-response.dto';

/** The snapshot an order keeps: the address's fields at the time of the order. */
export type ShippingSnapshot = ShippingAddressResponseDto;

/** How an order names its address: inline, by a saved address's id, or not at all. */
export interface ShippingChoice {
  shippingAddress?: AddressDto;
  shippingAddressId?: number;
}

/** The snapshot's fields in their column order (orders.shipping*). */
export const SHIPPING_FIELDS = [
  'name',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
  'phone',
] as const;

/** Both ways at once is a 400, before any statement runs. */
export function assertOneShippingChoice(choice: ShippingChoice): void {
  if (choice.shippingAddress !== undefined && choice.shippingAddressId !== undefined) {
    const message = 'give either shippingAddress or shippingAddressId, not both';
    throw invalid(message, [
      { field: 'shippingAddress', message },
      { field: 'shippingAddressId', message },
    ]);
  }
}

export function snapshotOf(a: AddressDto | ShippingSnapshot): ShippingSnapshot {
  return {
    name: a.name,
    line1: a.line1,
    line2: a.line2 ?? null,
    city: a.city,
    region: a.region ?? null,
    postalCode: a.postalCode,
    country: a.country,
    phone: a.phone ?? null,
  };
}

/**
 * The order's shipping snapshot, as a script step: an inline address as given, a saved
 * one read in the order's transaction (one statement; another customer's address is
 * "not found" like a missing one), or null.
 */
export function* shippingSnapshot(
  customerId: number,
  choice: ShippingChoice,
): StatementScript<ShippingSnapshot | null> {
  assertOneShippingChoice(choice);
  if (choice.shippingAddress !== undefined) return snapshotOf(choice.shippingAddress);
  const id = choice.shippingAddressId;
  if (id === undefined) return null;
  const { saved } = yield* step({
    saved: statement(
      `SELECT ${SHIPPING_FIELDS.join(', ')} FROM addresses WHERE id = ? AND customerId = ?`,
      [id, customerId],
    ),
  });
  const row = saved.rows[0] as unknown as ShippingSnapshot | undefined;
  if (!row) throw notFound('Address', id);
  return snapshotOf(row);
}
