import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, ValidateBy, ValidationOptions } from 'class-validator';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/**
 * RFC 3339 `date-time`: the offset is required; `T` and `Z` upper-case (RFC 3339 5.6 lets a
 * specification require it, and the published pattern can then say exactly this).
 */
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** The same rule as a JSON Schema pattern, for the document: a real calendar day, then optionally a time. */
const DAY =
  '(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
  '|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)';
const TIME =
  'T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)';
export const QUERY_DATE_PATTERN = `^${DAY}(?:${TIME})?$`;

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * A date in a query: `YYYY-MM-DD` or an RFC 3339 date-time (`2024-01-31T12:00:00Z`,
 * `...T12:00:00.5+02:00`), a real calendar day and time, whose instant lies in years
 * 0000..9999 UTC. Everything else ISO 8601 allows (week dates `2024-W01-1`, ordinal dates
 * `2024-366`, basic format `20240101`, no offset, `24:00`) is refused: `new Date()` reads
 * some of them differently or not at all. A leap second (`:60`) is refused too, since a
 * JavaScript Date cannot hold it.
 */
export function isQueryDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = FULL_DATE.exec(value) ?? DATE_TIME.exec(value);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offHour = 0, offMinute = 0] = m
    .slice(1)
    .map((part) => (part === undefined ? undefined : Number(part)));
  if (month === undefined || month < 1 || month > 12) return false;
  if (day === undefined || day < 1 || day > daysIn(year as number, month)) return false;
  if (hour > 23 || minute > 59 || second > 59 || offHour > 23 || offMinute > 59) return false;
  const instant = Date.parse(value);
  if (!Number.isFinite(instant)) return false;
  const utcYear = new Date(instant).getUTCFullYear();
  return utcYear >= 0 && utcYear <= 9999;
}

/**
 * An optional query field that is a date (see isQueryDate), 400 otherwise; published as
 * `format: date` or `format: date-time`, with the exact rule as its pattern. Use it on every date query field.
 */
export function IsQueryDate(options?: ValidationOptions) {
  return applyDecorators(
    ApiProperty({
      required: false,
      type: 'string',
      pattern: QUERY_DATE_PATTERN,
      example: '2026-01-31',
      anyOf: [
        { type: 'string', format: 'date' },
        { type: 'string', format: 'date-time' },
      ],
    }),
    IsOptional(),
    ValidateBy(
      {
        name: 'isQueryDate',
        validator: {
          validate: (value: unknown) => isQueryDate(value),
          defaultMessage: (args) =>
            `${args?.property} must be a date (YYYY-MM-DD) or an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)`,
        },
      },
      options,
    ),
  );
}
