import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
}

/** Turns any thrown error into the API's one error shape `{statusCode, error, message}`. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const statusCode = exception.getStatus();
    const response = exception.getResponse();
    const error = STATUS_CODES[statusCode] ?? 'Error';
    if (typeof response === 'string') return { statusCode, error, message: response };
    const body = response as { message?: unknown; error?: unknown };
    const message = Array.isArray(body.message) ? body.message.join('; ') : typeof body.message === 'string' ? body.message : exception.message;
    return { statusCode, error: typeof body.error === 'string' ? body.error : error, message };
  }
  const withStatus = exception as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
  // body-parser and multer errors carry an HTTP status of their own (e.g. 413 for an oversized body).
  const status = typeof withStatus?.status === 'number' ? withStatus.status : typeof withStatus?.statusCode === 'number' ? withStatus.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message: typeof withStatus.message === 'string' ? withStatus.message : 'Bad request' };
  }
  return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Internal server error' };
}

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const response = context.getResponse<Response>();
    const request = context.getRequest<Request>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, path: request.path }, 'request failed');
    }
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(body.statusCode).json(body);
  }
}
