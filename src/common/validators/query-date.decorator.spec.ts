import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { IsQueryDate, isQueryDate } from './query-date.decorator';

describe('isQueryDate', () => {
  it.each([
    '2024-01-01',
    '2024-02-29',
    '2000-02-29',
    '2023-12-31',
    '2024-01-01T00:00:00Z',
    '2024-01-01T12:30:00.5Z',
    '2024-01-01T12:30:00.123456789+02:00',
    `2024-01-01T12:30:00.${'1'.repeat(100)}Z`,
    '2024-01-01T12:30:00-23:59',
    '0000-01-01',
    '9999-12-31T23:59:59Z',
  ])('accepts %s', (value) => {
    expect(isQueryDate(value)).toBe(true);
  });

  it.each([
    // ISO 8601 forms that are not a calendar date or an RFC 3339 date-time.
    '2024-W01-1',
    '2024-01-01t23:59:59z',
    '2024-W01',
    '2024-366',
    '20240101',
    '2024-01',
    '2024',
    '+002024-01-01',
    '2024-01-01T00:00',
    '2024-01-01T00:00:00',
    '2024-01-01 00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00.Z',
    '2024-01-01T00:00:00+0200',
    '2024-01-01T00:00:00+24:00',
    '20240101T000000Z',
    // Not on the calendar, or not a time of day.
    '2024-02-30',
    '2023-02-29',
    '1900-02-29',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-01-01T23:60:00Z',
    '2024-12-31T23:59:60Z',
    // An instant outside years 0000..9999 UTC.
    '9999-12-31T23:59:59-01:00',
    '0000-01-01T00:00:00+01:00',
    // Not a date at all.
    '',
    ' 2024-01-01',
    '2024-01-01 ',
    '2024-01-01\n',
    '٢٠٢٤-٠١-٠١',
    'yesterday',
  ])('refuses %j', (value) => {
    expect(isQueryDate(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 20240101, ['2024-01-01'], new Date()]) {
      expect(isQueryDate(value)).toBe(false);
    }
  });
});

describe('@IsQueryDate', () => {
  class Query {
    @IsQueryDate()
    from?: string;
  }
  const errors = (plain: object) => validateSync(plainToInstance(Query, plain));

  it('lets an absent field through and names the field it refuses', () => {
    expect(errors({})).toEqual([]);
    expect(errors({ from: '2024-01-31' })).toEqual([]);
    const [error] = errors({ from: '2024-W01-1' });
    expect(error.property).toBe('from');
    expect(Object.values(error.constraints ?? {})).toEqual([
      'from must be a date (YYYY-MM-DD) or an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SSZ)',
    ]);
  });
});
