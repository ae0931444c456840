import { canonicalUsername } from './username';

describe('canonicalUsername', () => {
  it.each([
    ['alice', 'alice'],
    ['ALICE', 'alice'],
    ['Journey.User_1-x', 'journey.user_1-x'],
    ['a'.repeat(64), 'a'.repeat(64)],
  ])('gives %j the stored form %j', (input, stored) => {
    expect(canonicalUsername(input)).toBe(stored);
  });

  it.each([
    ['álice'], // an accent: MariaDB's default collation would fold it to alice
    ['ALICE '], // a trailing space: PAD SPACE collations ignore it
    [' alice'],
    ['alice\t'],
    ['\u212Aelvin'], // Kelvin sign: toLowerCase() makes it an ASCII k
    ['\u017Fam'], // long s: toUpperCase() makes it an ASCII S
    ['ali ce'],
    ['ab'],
    ['a'.repeat(65)],
    [''],
  ])('refuses %j: no account can have it', (input) => {
    expect(canonicalUsername(input)).toBeNull();
  });

  it.each([[undefined], [null], [42], [['alice']], [{ toString: () => 'alice' }]])(
    'refuses a non-string %j',
    (input) => {
      expect(canonicalUsername(input)).toBeNull();
    },
  );
});
