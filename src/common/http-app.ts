import type { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi';
import { createValidationPipe } from './validation';

/** Cross-cutting HTTP set-up shared by main.ts and the e2e tests, so tests run the real thing. */
export function configureHttpApp(app: INestApplication, _config: AppConfig): void {
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

/**
 * Serves the built client at `/`: files under client/dist as they are (hashed assets cached for a year,
 * immutable), and index.html for any other GET/HEAD outside the server's own paths (the SPA fallback:
 * the client routes by URL), never cached so a deploy takes effect at once. A path with a file
 * extension that does not exist is a 404, not the app. Without a build nothing is served (API only).
 */
export function serveClient(app: INestApplication, root: string | null = findClientDist()): void {
  if (!root) return;
  const index = path.join(root, 'index.html');
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || SERVER_PATHS.test(request.path)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(request.path);
    } catch {
      return next();
    }
    const file = path.resolve(root, '.' + path.posix.normalize(decoded));
    if (file.startsWith(root + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile() && file !== index) {
      const immutable = file.startsWith(path.join(root, 'assets') + path.sep);
      response.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
      return response.sendFile(file);
    }
    if (path.posix.extname(decoded) !== '') return next();
    response.setHeader('Cache-Control', 'no-cache');
    return response.sendFile(index);
  });
}
