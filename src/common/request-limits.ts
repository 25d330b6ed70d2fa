import type { NextFunction, Request, Response } from 'express';

/**
 * The deepest nesting of objects and arrays in a JSON text, counted over the raw bytes in one pass
 * (brackets inside strings do not count). Stops early once past `limit`.
 */
export function jsonDepthExceeds(raw: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < raw.length; index += 1) {
    const byte = raw[index];
    if (inString) {
      if (byte === 0x5c)
        index += 1; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth -= 1;
  }
  return false;
}

/** A body-parser `verify` hook: a JSON body nested deeper than `limit` is a 400, before it is parsed. */
export function jsonDepthGuard(limit: number) {
  return (_request: unknown, _response: unknown, raw: Buffer): void => {
    if (jsonDepthExceeds(raw, limit)) {
      throw Object.assign(new Error(`JSON body is nested deeper than ${limit} levels (JSON_MAX_DEPTH)`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };
}

export interface BodyTimeouts {
  readonly requestTimeoutMs: number;
  readonly uploadTimeoutMs: number;
  readonly isUpload: (request: Request) => boolean;
}

/**
 * A request whose body has not fully arrived within its budget (slow-body / slowloris clients) is
 * answered 408 and its connection closed, so it cannot hold a socket for Node's 300 s default.
 */
export function bodyTimeout(options: BodyTimeouts) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (request.complete) return next();
    const budgetMs = options.isUpload(request) ? options.uploadTimeoutMs : options.requestTimeoutMs;
    const timer = setTimeout(() => {
      if (request.complete) return;
      if (!response.headersSent) {
        response.setHeader('Connection', 'close');
        response.status(408).json({
          statusCode: 408,
          error: 'Request Timeout',
          message: `the request body did not arrive within ${budgetMs} ms`,
        });
      }
      // Closes the connection once the answer is written (the rest of the body is never read).
      response.once('finish', () => request.socket.destroy());
      setTimeout(() => request.socket.destroy(), 1000).unref();
    }, budgetMs);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    request.once('end', clear);
    request.once('close', clear);
    response.once('close', clear);
    next();
  };
}
