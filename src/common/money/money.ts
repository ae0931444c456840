/**
 * Money is held as integer cents everywhere inside the service: exact, and summed
 * without floating point. It enters as a JSON number or numeric string with at most two
 * decimals and leaves as a two-decimal string.
 */
export const MAX_CENTS = 9_999_999_999; // 99,999,999.99: the DECIMAL(12,2) range
const MONEY_RE = /^(\d{1,10})(?:\.(\d{1,2}))?$/;

/**
 * What parseMoney accepts as text, as one JSON Schema pattern for the OpenAPI document:
 * white space around it is trimmed (`\s` is exactly what String#trim removes), at most ten
 * integer digits of which at most eight significant (MAX_CENTS), at most two decimals.
 */
export const MONEY_PATTERN = '^\\s*0{0,2}\\d{1,8}(\\.\\d{1,2})?\\s*$';
/** The largest amount, in currency units, for the document's `maximum`. */
export const MAX_AMOUNT = MAX_CENTS / 100;

export function isMoneyInput(value: unknown): boolean {
  return parseMoney(value) !== null;
}

/** Returns cents, or null when the value is not a valid amount. */
export function parseMoney(value: unknown): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const m = MONEY_RE.exec(text);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return cents <= MAX_CENTS ? cents : null;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${sign}${units}.${rest < 10 ? '0' : ''}${rest}`;
}
