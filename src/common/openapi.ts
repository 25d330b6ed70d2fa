import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME, ErrorResponse } from './api-docs';

/**
 * The API contract: the OpenAPI document of every route, built from the controllers' explicit
 * decorators (no CLI plugin, so ts-jest, tsc and bundles see the same). Served at /api/docs-json,
 * committed as openapi.json by `npm run openapi`.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Claims evidence validation API')
    .setDescription(
      'Intake systems create policies and claims and upload photo evidence with an API key (`X-API-Key`); ' +
        'staff sign in (POST /v1/auth/login) and call the rest with `Authorization: Bearer <accessToken>`. ' +
        'Every error answer has the one shape `ErrorResponse`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, BEARER_SCHEME)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, API_KEY_SCHEME)
    .build();
  return sortKeys(
    SwaggerModule.createDocument(app, config, {
      extraModels: [ErrorResponse],
      operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    }),
  );
}

/** Object keys sorted at every level (arrays keep their order), so the committed file is stable. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted as T;
}
