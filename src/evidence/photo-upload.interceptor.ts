import {
  BadRequestException,
  HttpException,
  Inject,
  Injectable,
  PayloadTooLargeException,
  UnprocessableEntityException,
  UnsupportedMediaTypeException,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import type { Observable } from 'rxjs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { sanitiseFileName } from './file-name';
import { PhotoTooLarge } from './photo-inspector';

/** The multipart field photos are sent in. */
export const PHOTOS_FIELD = 'photos';
export const JOSE_MEDIA_TYPE = 'application/jose';

/** One file as received, in memory only. */
export interface ReceivedPhoto {
  readonly fileName: string;
  readonly buffer: Buffer;
}

/** What the interceptor leaves on the request for the handler. */
export type PhotoUpload =
  { readonly kind: 'multipart'; readonly files: ReceivedPhoto[] } | { readonly kind: 'jwe'; readonly compact: string };

export interface PhotoUploadRequest extends Request {
  photoUpload?: PhotoUpload;
  currentPhotoName?: string;
}

/** A JWE carries its payload base64url-encoded (4/3) plus a header, a key and a tag. */
function joseLimit(maxBytes: number): number {
  return Math.ceil((maxBytes * 4) / 3) + 64 * 1024;
}

/**
 * Reads a photo upload into memory — never to disk (multer memoryStorage, no temp files) — with the
 * configured limits: multipart `photos` (bytes per file → 413, files per request → 422), or one
 * compact JWE as `application/jose`. Runs after the access guard, so nobody unauthorised gets a body
 * read. Anything else is a 415.
 */
@Injectable()
export class PhotoUploadInterceptor implements NestInterceptor {
  private readonly multipart: ReturnType<ReturnType<typeof multer>['array']>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const limits = config.photos;
    this.multipart = multer({
      storage: multer.memoryStorage(),
      defParamCharset: 'utf8',
      limits: {
        fileSize: limits.maxBytes,
        files: limits.maxFilesPerRequest,
        fields: 20,
        fieldSize: 16 * 1024,
        parts: limits.maxFilesPerRequest + 20,
        headerPairs: 200,
      },
      fileFilter: (request, file, accept) => {
        (request as PhotoUploadRequest).currentPhotoName = sanitiseFileName(file.originalname);
        accept(null, true);
      },
    }).array(PHOTOS_FIELD);
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<PhotoUploadRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    if (request.is('multipart/form-data')) {
      await new Promise<void>((resolve, reject) =>
        this.multipart(request, response, (error: unknown) =>
          error ? reject(this.multipartError(error, request)) : resolve(),
        ),
      );
      const files = ((request.files as Express.Multer.File[] | undefined) ?? []).map((file) => ({
        fileName: sanitiseFileName(file.originalname),
        buffer: file.buffer,
      }));
      if (files.length === 0)
        throw new UnprocessableEntityException(
          `no photos in the request: send one or more files in the multipart field "${PHOTOS_FIELD}"`,
        );
      request.photoUpload = { kind: 'multipart', files };
    } else if (request.is(JOSE_MEDIA_TYPE)) {
      const body = await readLimited(request, joseLimit(this.config.photos.maxBytes));
      if (body === undefined)
        throw new PayloadTooLargeException(
          `encrypted upload is larger than the limit for one photo of ${this.config.photos.maxBytes} bytes (PHOTO_MAX_BYTES)`,
        );
      request.photoUpload = { kind: 'jwe', compact: body.toString('latin1').trim() };
    } else {
      throw new UnsupportedMediaTypeException(
        `send photos as multipart/form-data in the field "${PHOTOS_FIELD}", or one photo as a compact JWE with Content-Type ${JOSE_MEDIA_TYPE}`,
      );
    }
    return next.handle();
  }

  private multipartError(error: unknown, request: PhotoUploadRequest): HttpException {
    if (error instanceof MulterError) {
      const limits = this.config.photos;
      switch (error.code) {
        case 'LIMIT_FILE_SIZE':
          return new PhotoTooLarge(request.currentPhotoName ?? 'unnamed', limits.maxBytes);
        case 'LIMIT_FILE_COUNT':
          return new UnprocessableEntityException(
            `too many photos in one request: at most ${limits.maxFilesPerRequest} (PHOTO_MAX_FILES_PER_REQUEST)`,
          );
        case 'LIMIT_UNEXPECTED_FILE':
          return new BadRequestException(
            `unexpected file field "${sanitiseFileName(error.field)}": photos go in the multipart field "${PHOTOS_FIELD}"`,
          );
        default:
          return new BadRequestException(`malformed upload: ${error.message}`);
      }
    }
    if (error instanceof HttpException) return error;
    const detail = error instanceof Error ? error.message.replace(/[^\x20-\x7e]/g, '').slice(0, 120) : '';
    return new BadRequestException(`malformed multipart body${detail ? ` (${detail})` : ''}`);
  }
}

/** The whole body, or undefined when it is over `limit` (the rest is drained, so the answer still reaches the client). */
function readLimited(request: Request, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    request.on('error', () => reject(new BadRequestException('the request body could not be read')));
  });
}
