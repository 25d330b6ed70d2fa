import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME, ErrorResponse, standardErrorResponses } from './api-docs';

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
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ErrorResponse],
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return sortKeys(shareErrorResponses(document));
}

/**
 * Every operation's standard error answer (the one ApiErrors documents for its status, unchanged) becomes a
 * reference to one `components.responses` entry, so the contract and the client types generated from it state
 * each once. An error answer an operation documents its own way (another description or schema) stays inline.
 */
export function shareErrorResponses(document: OpenAPIObject): OpenAPIObject {
  const standard = new Map(
    standardErrorResponses().map((entry) => [
      entry.status,
      { ...entry, text: JSON.stringify(sortKeys(entry.response)) },
    ]),
  );
  const shared: NonNullable<OpenAPIObject['components']>['responses'] = {};
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, unknown> }>)) {
      const responses = operation?.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        const entry = standard.get(status);
        if (!entry || JSON.stringify(sortKeys(response)) !== entry.text) continue;
        shared[entry.name] = entry.response;
        responses[status] = { $ref: `#/components/responses/${entry.name}` };
      }
    }
  }
  document.components = { ...document.components, responses: { ...document.components?.responses, ...shared } };
  return document;
}

/** Object keys sorted at every level (arrays keep their order), so the committed file is stable. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted as T;
}
