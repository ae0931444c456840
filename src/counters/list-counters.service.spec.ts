import { DataSource, EntityManager } from 'typeorm';
import { ListCountersService } from './list-counters.service';

describe('ListCountersService.stockCrossed', () => {
  it('moves the in-stock count and that of every category of each product that crossed 0', async () => {
    const query = jest.fn().mockResolvedValue(undefined);
    const em = { query } as unknown as EntityManager;
    await new ListCountersService({} as DataSource).stockCrossed(em, [
      { id: 17, flip: -1 },
      { id: 4, flip: 1 },
    ]);
    expect(query.mock.calls).toEqual([
      [
        'UPDATE list_counters SET n = n + ? WHERE name = ? AND shard = ?',
        [-1, 'products:inStock', 1],
      ],
      [
        'UPDATE list_counters SET n = n + ? WHERE name = ? AND shard = ?',
        [1, 'products:inStock', 4],
      ],
      [
        expect.stringMatching(
          /^UPDATE category_counters SET inStock = inStock \+ \? WHERE categoryId IN \(SELECT cc\.ancestorId /,
        ),
        [-1, 17],
      ],
      [expect.stringMatching(/^UPDATE category_counters SET inStock = inStock \+ \?/), [1, 4]],
    ]);
  });

  it('writes nothing when nothing crossed 0', async () => {
    const query = jest.fn();
    await new ListCountersService({} as DataSource).stockCrossed(
      { query } as unknown as EntityManager,
      [],
    );
    expect(query).not.toHaveBeenCalled();
  });
});
