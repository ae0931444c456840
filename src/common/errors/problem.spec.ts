import { QueryFailedError } from 'typeorm';
import { invalid } from './domain-error';
import { MAX_PROBLEM_ERRORS, toProblem } from './problem';

const dbError = (code: string, message = 'failed') =>
  new QueryFailedError('DELETE', [], Object.assign(new Error(message), { code }));

describe('toProblem: foreign-key violations', () => {
  it.each([
    dbError('ER_ROW_IS_REFERENCED_2'),
    dbError('ER_ROW_IS_REFERENCED'),
    dbError('SQLITE_CONSTRAINT_FOREIGNKEY'),
    dbError('SQLITE_CONSTRAINT_TRIGGER', 'FOREIGN KEY constraint failed'),
  ])('maps %p to 409', (err) => {
    const { problem, unexpected } = toProblem(err, '/api/v1/customers/1');
    expect(unexpected).toBe(false);
    expect(problem).toMatchObject({
      status: 409,
      detail: 'The resource is still referenced (for example a customer with orders)',
    });
  });

  it('leaves other trigger failures as internal errors', () => {
    const { problem, unexpected } = toProblem(dbError('SQLITE_CONSTRAINT_TRIGGER', 'raised'), '/x');
    expect(problem.status).toBe(500);
    expect(unexpected).toBe(true);
  });
});

describe('toProblem: errors', () => {
  it('lists at most 50 entries, however many an error carries', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const { problem } = toProblem(invalid('Validation failed', many), '/x');
    expect(problem.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(MAX_PROBLEM_ERRORS).toBe(50);
    expect(problem.errors?.[0]).toEqual({ field: 'f0', message: 'bad' });
  });
});
