import type { FastifyRequest } from 'fastify';
import { loginTracker } from './rate-limit.module';

describe('loginTracker', () => {
  const track = (body: unknown) => loginTracker({ ip: '203.0.113.7', body } as FastifyRequest);

  it('keys on the stored form of the username', () => {
    expect(track({ username: 'ALICE' })).toBe(track({ username: 'alice' }));
    expect(track({ username: 'alice' })).not.toBe(track({ username: 'bob' }));
  });

  it('gives every spelling no account can have one bucket, never the account one', () => {
    const spellings = ['álice', 'ALICE ', ' alice', '\u212Alice', 'alicé'].map((u) =>
      track({ username: u }),
    );
    expect(new Set(spellings).size).toBe(1);
    expect(spellings[0]).not.toBe(track({ username: 'alice' }));
    expect(track({})).toBe(spellings[0]);
    expect(track(null)).toBe(spellings[0]);
  });
});
