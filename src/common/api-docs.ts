import { applyDecorators, NotFoundException, Param, ParseUUIDPipe, type Type } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiParam,
  ApiProperty,
  ApiResponse,
  ApiSecurity,
  getSchemaPath,
  type ApiPropertyOptions,
  type ApiResponseNoStatusOptions,
} from '@nestjs/swagger';
import { RequirePolicy, type AccessAction, type AccessSubject } from './access.decorators';

/** The API's one error shape, as HttpExceptionFilter (toErrorBody) writes it for every 4xx/5xx. */
export class ErrorResponse {
  @ApiProperty({ example: 404 }) statusCode!: number;
  @ApiProperty({ example: 'Not Found', description: 'the HTTP reason phrase' }) error!: string;
  @ApiProperty({ example: 'Claim not found', description: 'what went wrong; validation problems joined by "; "' })
  message!: string;
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 500 | 503 | 507;

const DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'The request is malformed: the message names each invalid field.',
  401: 'No valid credentials (bearer token or API key).',
  403: 'The caller may not do this (a resource it cannot see answers 404 instead).',
  404: 'No such resource, or one the caller may not see.',
  409: 'Conflict with the current state (stale version, replayed key with another body, wrong state).',
  410: 'The resource existed but was destroyed under the retention policy.',
  413: 'The request body is too large.',
  415: 'The request content type is not accepted.',
  422: 'The request is well formed but breaks a business rule.',
  429: 'Too many requests: wait for Retry-After seconds.',
  500: 'The service failed (e.g. stored evidence that no longer decrypts); logged, never detailed.',
  503: 'A dependency (PostgreSQL, Redis) is unavailable: nothing changed, retry after Retry-After seconds.',
  507: 'The photo store is full: nothing of the upload was stored.',
};

/** The name each standard error answer has under `components.responses` in the OpenAPI document. */
const RESPONSE_NAMES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  410: 'Gone',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
  507: 'InsufficientStorage',
};

/** A standard error answer: what ApiErrors documents for the status, and its shared name in the document. */
export interface StandardErrorResponse {
  status: string;
  name: string;
  response: { description: string; content: { 'application/json': { schema: { $ref: string } } } };
}

export function standardErrorResponses(): StandardErrorResponse[] {
  return (Object.keys(DESCRIPTIONS).map(Number) as ErrorStatus[]).map((status) => ({
    status: String(status),
    name: RESPONSE_NAMES[status],
    response: {
      description: DESCRIPTIONS[status],
      content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } },
    },
  }));
}

/** Documents error answers, all in the one `ErrorResponse` shape; 401 and 403 are added for non-public routes. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...[...new Set(statuses)].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorResponse }),
    ),
  );
}

/**
 * A UUID path parameter. A malformed id cannot name a resource, so it answers 404 with the same
 * message as an unknown one (design §4: 404, never a hint of what exists); documented as format uuid.
 */
export function UuidParam(name: string, notFoundMessage: string): ParameterDecorator {
  const param = Param(name, new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException(notFoundMessage) }));
  const doc = ApiParam({ name, type: String, format: 'uuid' });
  return (target, key, index) => {
    param(target, key, index);
    if (key !== undefined) doc(target, key, Object.getOwnPropertyDescriptor(target, key)!);
  };
}

/** Security scheme names declared on the document (configureHttpApp / buildOpenApiDocument). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'api-key';

/** Staff routes: a JWT access token from POST /v1/auth/login, as `Authorization: Bearer`. 401 without, 403 when not allowed. */
export function ApiStaffAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiErrors(401, 403));
}

/** Routes intake systems call with their `X-API-Key` (staff may call them with a bearer token too). */
export function ApiIntakeAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiSecurity(API_KEY_SCHEME), ApiBearerAuth(BEARER_SCHEME), ApiErrors(401, 403));
}

/** A success answer: its view class, `[View]` for an array, or the full options (schema, description). */
export type SuccessAnswer = Type<unknown> | [Type<unknown>] | ApiResponseNoStatusOptions;

/** What a route answers: at most one success status, and the error statuses it documents (besides 401/403). */
export interface RouteAnswers {
  ok?: SuccessAnswer;
  created?: SuccessAnswer;
  accepted?: SuccessAnswer;
  errors?: ErrorStatus[];
}

function successOptions(answer: SuccessAnswer): ApiResponseNoStatusOptions {
  return typeof answer === 'function' || Array.isArray(answer) ? { type: answer } : answer;
}

/**
 * A route's access rule and its documented answers, in one line under its `@Get`/`@Post`:
 * `@Can('read', 'Policy', { ok: PolicyView, errors: [404] })` is `@RequirePolicy('read', 'Policy')`
 * (the guard's route-level check, 403 otherwise), `@ApiOkResponse({ type: PolicyView })` and `@ApiErrors(404)`.
 */
export function Can(action: AccessAction, subject: AccessSubject, answers: RouteAnswers = {}): MethodDecorator {
  const { ok, created, accepted, errors = [] } = answers;
  return applyDecorators(
    RequirePolicy(action, subject),
    ...(ok === undefined ? [] : [ApiOkResponse(successOptions(ok))]),
    ...(created === undefined ? [] : [ApiCreatedResponse(successOptions(created))]),
    ...(accepted === undefined ? [] : [ApiAcceptedResponse(successOptions(accepted))]),
    ...(errors.length === 0 ? [] : [ApiErrors(...errors)]),
  );
}

/**
 * The answer of a paged list: `items` (of the view class `item`, or as the given property options, e.g. a
 * oneOf), then `page`, `pageSize` and `total`, the rows matching the filters (documented by `total`): `class ReceiptPage extends PageOf(ReceiptView) {}`.
 */
export function PageOf<T>(item: Type<T> | ApiPropertyOptions, total: ApiPropertyOptions = {}) {
  abstract class Page {
    @ApiProperty(typeof item === 'function' ? { type: () => [item] } : item) items!: T[];
    @ApiProperty() page!: number;
    @ApiProperty() pageSize!: number;
    @ApiProperty(total) total!: number;
  }
  return Page;
}
