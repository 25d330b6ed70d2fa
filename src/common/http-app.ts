import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { json, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';
import { bodyTimeout, jsonDepthGuard } from './request-limits';
import { createValidationPipe } from './validation';
import { workPriority } from './work-priority';

const PHOTO_UPLOAD = /^\/v1\/claims\/[^/]+\/photos\/?$/;

/** Cross-cutting HTTP set-up shared by main.ts and the e2e tests, so tests run the real thing. */
export function configureHttpApp(app: INestApplication, config: AppConfig): void {
  configureRequestLimits(app, config);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'blob:', 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
        },
      },
    }),
  );
  serveClient(app);
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/**
 * Client address, timeouts and body limits. `trust proxy` decides what `request.ip` is (audit, login
 * throttling): the socket address unless TRUST_PROXY names the proxies allowed to say otherwise.
 */
export function configureRequestLimits(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  express.set('trust proxy', config.http.trustProxy);
  const server = app.getHttpServer() as import('node:http').Server;
  server.headersTimeout = config.http.headersTimeoutMs;
  // Node's own backstop (checked every 30 s); the middleware below answers 408 on time.
  server.requestTimeout = Math.max(config.http.requestTimeoutMs, config.http.uploadTimeoutMs);
  app.use(
    bodyTimeout({
      requestTimeoutMs: config.http.requestTimeoutMs,
      uploadTimeoutMs: config.http.uploadTimeoutMs,
      isUpload: (request) => request.method === 'POST' && PHOTO_UPLOAD.test(request.path),
    }),
  );
  // Requests go before catch-up work (see WorkPriority); probes and metrics do not count.
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (/^\/(health|metrics)(\/|$)/.test(request.path)) return next();
    workPriority.requestStarted();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      workPriority.requestEnded();
    };
    response.once('finish', end);
    response.once('close', end);
    next();
  });
  // Deeply nested JSON overflows the stack of class-transformer (a 500): refused as 400 before parsing.
  // Named jsonParser like Nest's own, which Nest then does not add a second time.
  app.use(json({ verify: jsonDepthGuard(config.http.jsonMaxDepth) }));
}

/** Paths the API, docs, probes and metrics own: never answered with the client. */
const SERVER_PATHS = /^\/(v1|api|health|metrics)(\/|$)/;

/** The built review client (client/dist), looked up beside the source tree and beside the compiled one. */
export function findClientDist(): string | null {
  const candidates = [
    path.resolve(__dirname, '../../client/dist'),
    path.resolve(__dirname, '../../../client/dist'),
    path.resolve(process.cwd(), 'client/dist'),
  ];
  return candidates.find((candidate) => fs.existsSync(path.join(candidate, 'index.html'))) ?? null;
}

/** Precompressed copies the client build writes (client/precompress.ts), in order of preference. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/**
 * Serves the built client at `/`: files under client/dist (hashed assets cached for a year, immutable), and
 * index.html for any other GET/HEAD outside the server's own paths (the SPA fallback: the client routes by
 * URL), never cached so a deploy takes effect at once. A path with a file extension that does not exist is a
 * 404, not the app. Without a build nothing is served (API only).
 *
 * Compression is done once at build time (brotli and gzip beside each file); here the request's
 * Accept-Encoding (by Express's `acceptsEncodings`, q=0 honoured) picks `file.br`, else `file.gz`, else the file,
 * sent with its own Content-Type, `Content-Encoding` and `Vary: Accept-Encoding`.
 */
export function serveClient(app: INestApplication, root: string | null = findClientDist()): void {
  if (!root) return;
  const index = path.join(root, 'index.html');
  const isFile = (file: string): boolean => fs.existsSync(file) && fs.statSync(file).isFile();
  const send = (request: Request, response: Response, file: string, cacheControl: string): void => {
    response.setHeader('Cache-Control', cacheControl);
    response.setHeader('Vary', 'Accept-Encoding');
    // The server's preference (brotli, then gzip) among those the browser accepts (q > 0): browsers list
    // gzip first with the same weight, so the client's order alone would never pick the smaller file.
    const encoding = ENCODINGS.find(
      (candidate) => request.acceptsEncodings(candidate.name) === candidate.name && isFile(file + candidate.suffix),
    );
    if (!encoding) return response.sendFile(file);
    response.type(path.extname(file));
    response.setHeader('Content-Encoding', encoding.name);
    // sendFile would otherwise set the type of the .br/.gz file; the type is set above and kept.
    return response.sendFile(file + encoding.suffix, {
      headers: { 'Content-Type': response.getHeader('Content-Type') },
    });
  };
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(request.path)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(request.path);
    } catch {
      return next();
    }
    const file = path.resolve(root, '.' + path.posix.normalize(decoded));
    if (file.startsWith(root + path.sep) && isFile(file) && file !== index) {
      const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
      return send(request, response, file, immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
    }
    if (path.posix.extname(decoded) !== '') return next();
    return send(request, response, index, 'no-cache');
  });
}
