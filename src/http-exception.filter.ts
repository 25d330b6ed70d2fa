import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from './database/database-errors';
import { QueueUnavailableError } from './jobs/queue-availability';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

export const DATABASE_UNAVAILABLE = 'the database is unavailable; retry later';
export const QUEUE_UNAVAILABLE = 'the job queue (Redis) is unavailable; retry later';

/**
 * A dependency that is down (PostgreSQL, Redis) is the service's honest 503, not a 500: the client
 * may retry, and readiness says the same. The cause is logged, never sent.
 */
export function outageMessage(exception: unknown): string | undefined {
  if (exception instanceof QueueUnavailableError) return QUEUE_UNAVAILABLE;
  const name = (exception as { name?: unknown } | null)?.name;
  // ioredis gives up on a command after maxRetriesPerRequest reconnect attempts (clients other than Bull's).
  if (name === 'MaxRetriesPerRequestError') return QUEUE_UNAVAILABLE;
  if (isDatabaseUnavailable(exception)) return DATABASE_UNAVAILABLE;
  return undefined;
}

/** Turns any thrown error into the API's one error shape `{statusCode, error, message}`. */
export function toErrorBody(exception: unknown): ErrorBody {
  const outage = outageMessage(exception);
  if (outage) return { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'Service Unavailable', message: outage };
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const error = STATUS_CODES[statusCode] ?? 'Error';
    if (typeof response === 'string') return { statusCode, error, message: response };
    const body = response as { message?: unknown; error?: unknown };
    const message = Array.isArray(body.message)
      ? body.message.join('; ')
      : typeof body.message === 'string'
        ? body.message
        : exception.message;
    return { statusCode, error: typeof body.error === 'string' ? body.error : error, message };
  }
  const withStatus = exception as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  // body-parser and multer errors carry an HTTP status of their own (e.g. 413 for an oversized body).
  const status =
    typeof withStatus?.status === 'number'
      ? withStatus.status
      : typeof withStatus?.statusCode === 'number'
        ? withStatus.statusCode
        : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      message: typeof withStatus.message === 'string' ? withStatus.message : 'Bad request',
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    error: 'Internal Server Error',
    message: 'Internal server error',
  };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const body = toErrorBody(exception);
    const outage = outageMessage(exception) !== undefined;
    if (outage) {
      this.logger.warn({ err: exception, path: request.path }, `request refused: ${body.message}`);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, path: request.path }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    if (outage) response.setHeader('Retry-After', '5');
    // Refusals that know when to come back (a full decode queue, a login throttle) say so.
    const retryAfterS = (exception as { retryAfterS?: unknown } | null)?.retryAfterS;
    if (typeof retryAfterS === 'number' && retryAfterS > 0) response.setHeader('Retry-After', String(retryAfterS));
    response.status(body.statusCode).json(body);
  }
}
