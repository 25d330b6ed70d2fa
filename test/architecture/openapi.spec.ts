import SwaggerParser from '@apidevtools/swagger-parser';
import * as fs from 'node:fs';
import type { OpenAPIV3 } from 'openapi-types';
import { generateOpenApiDocument, OPENAPI_FILE, openApiText } from '../../scripts/openapi';
import { standardErrorResponses } from '../../src/common/api-docs';

/** The committed contract (openapi.json) is what the code generates, and a valid, complete OpenAPI document. */
describe('openapi.json', () => {
  let generated: string;
  beforeAll(async () => {
    generated = openApiText(await generateOpenApiDocument());
  }, 60_000);

  it('matches what the code generates (run npm run openapi)', () => {
    const committed = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (committed !== generated)
      throw new Error('openapi.json is out of date with the controllers and views: run npm run openapi');
  });

  it('is valid OpenAPI 3 for an independent validator', async () => {
    await expect(SwaggerParser.validate(JSON.parse(generated) as OpenAPIV3.Document)).resolves.toBeDefined();
  });

  it('states each standard error answer once, in components.responses, and refers to it from the operations', () => {
    const document = JSON.parse(generated) as OpenAPIV3.Document;
    const standard = new Map(standardErrorResponses().map((entry) => [entry.status, entry]));
    const inline: string[] = [];
    let references = 0;
    for (const [route, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
        for (const [status, response] of Object.entries(item?.[method]?.responses ?? {})) {
          if ('$ref' in response) {
            const name = response.$ref.replace('#/components/responses/', '');
            expect(document.components?.responses?.[name]).toEqual(standard.get(status)?.response);
            references += 1;
          } else if (standard.get(status)?.response.description === response.description) {
            inline.push(`${method.toUpperCase()} ${route} ${status}`);
          }
        }
      }
    }
    expect(inline).toEqual([]);
    expect(references).toBeGreaterThanOrEqual(100);
  });

  it('gives every operation a success response with a schema (or 204), and every body schema properties', async () => {
    const document = (await SwaggerParser.dereference(
      JSON.parse(generated) as OpenAPIV3.Document,
    )) as OpenAPIV3.Document;
    const problems: string[] = [];
    let operations = 0;
    for (const [route, item] of Object.entries(document.paths ?? {})) {
      for (const method of ['get', 'put', 'post', 'delete', 'patch'] as const) {
        const operation = item?.[method];
        if (!operation) continue;
        operations += 1;
        const name = `${method.toUpperCase()} ${route}`;
        const responses = operation.responses as Record<string, OpenAPIV3.ResponseObject>;
        const successes = Object.keys(responses).filter((status) => /^2\d\d$/.test(status));
        if (successes.length === 0) problems.push(`${name}: no success response`);
        for (const status of successes) {
          const content = Object.values(responses[status].content ?? {});
          if (status !== '204' && (content.length === 0 || content.some((media) => !media.schema)))
            problems.push(`${name}: ${status} has no schema`);
        }
        // Readiness answers its own report with 503 (a probe, not an error from the exception filter).
        const errors = Object.keys(responses).filter((code) => /^[45]\d\d$/.test(code) && name !== 'GET /health/ready');
        for (const status of errors) {
          const schema = responses[status].content?.['application/json']?.schema as OpenAPIV3.SchemaObject | undefined;
          if (!schema?.properties?.statusCode || !schema.properties.message)
            problems.push(`${name}: ${status} is not the ErrorResponse shape`);
        }
        const body = operation.requestBody as OpenAPIV3.RequestBodyObject | undefined;
        for (const [type, media] of Object.entries(body?.content ?? {})) {
          const schema = media.schema as OpenAPIV3.SchemaObject | undefined;
          if (type === 'application/jose') continue; // a compact JWE string, not an object
          if (!schema || Object.keys(schema.properties ?? {}).length === 0)
            problems.push(`${name}: request body ${type} has no properties`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(operations).toBeGreaterThanOrEqual(50);
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual(['api-key', 'bearer']);
  });
});
