import { toErrorBody } from './http-exception.filter';
import { QueueUnavailableError } from './jobs/queue-availability';

function errno(code: string, message = code): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}

describe('toErrorBody for outages', () => {
  it('answers 503 with a message that names the dependency and never the cause', () => {
    expect(toErrorBody(errno('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432'))).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the database is unavailable; retry later',
    });
    expect(toErrorBody(new QueueUnavailableError('not connected (reconnecting)'))).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'the job queue (Redis) is unavailable; retry later',
    });
    expect(toErrorBody(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toMatchObject({
      statusCode: 503,
      message: 'the job queue (Redis) is unavailable; retry later',
    });
    expect(toErrorBody(new Error('boom'))).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal server error',
    });
  });
});
