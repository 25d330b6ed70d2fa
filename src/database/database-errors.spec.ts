import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-errors';

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', errno('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    [
      'an admin shutdown (57P01) wrapped by TypeORM',
      new QueryFailedError(
        'SELECT 1',
        [],
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      ),
    ],
    ['a server starting up (57P03)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['a connection exception (08006)', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that timed out', new Error('timeout exceeded when trying to connect')],
  ])('recognises %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a unique violation',
      new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value'), { code: '23505' })),
    ],
    ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a file error', Object.assign(new Error('ENOENT'), { code: 'ENOENT', syscall: 'open' })],
    [
      'a Redis client error',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['nothing', undefined],
  ])('does not mistake %s for an outage', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
