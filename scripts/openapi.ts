import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/common/openapi';
import { loadConfig } from '../src/config/app-config';
import type { DatabaseHandle } from '../src/database/data-source.factory';

/**
 * Builds the OpenAPI document from the real AppModule in Nest's preview mode: the module graph and
 * routes are resolved, no provider is instantiated, so no database, Redis or model is needed.
 */
export async function generateOpenApiDocument(): Promise<OpenAPIObject> {
  const database: DatabaseHandle = {
    dataSource: undefined as never,
    embedded: undefined,
    description: 'none (OpenAPI preview)',
    close: async () => undefined,
  };
  const app: INestApplication = await NestFactory.create(
    AppModule.forRoot({ config: loadConfig({}), database, processJobs: false }),
    { preview: true, logger: false, abortOnError: false },
  );
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** The committed file's text: sorted keys, two-space indent, final newline. */
export function openApiText(document: OpenAPIObject): string {
  return JSON.stringify(document, null, 2) + '\n';
}

/** openapi.json at the repository root (the folder with package.json), from scripts/ or dist/scripts/. */
export const OPENAPI_FILE = path.join(repositoryRoot(__dirname), 'openapi.json');

function repositoryRoot(from: string): string {
  let dir = from;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

async function main(): Promise<void> {
  const target = process.argv[2] ? path.resolve(process.argv[2]) : OPENAPI_FILE;
  fs.writeFileSync(target, openApiText(await generateOpenApiDocument()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
