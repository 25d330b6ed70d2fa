import {
  BadRequestException,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiIntakeAuth, UuidParam, Can } from '../common/api-docs';
import type { Response } from 'express';
import { Caller } from '../audit/audit-context';
import type { BlobVariant } from '../crypto/envelope-crypto';
import { PhotoUploadInterceptor, type PhotoUploadRequest } from './photo-upload.interceptor';
import { PHOTO_VARIANTS, PhotosService, UploadResult } from './photos.service';

@ApiTags('photos')
@ApiIntakeAuth()
@Controller('v1/claims/:claimId/photos')
export class PhotosController {
  constructor(private readonly photos: PhotosService) {}

  /** multipart field `photos` (one or more files), or one compact JWE as `application/jose`. All or nothing. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @Can('create', 'Photo', { created: UploadResult, errors: [400, 404, 409, 413, 415, 422, 503, 507] })
  @UseInterceptors(PhotoUploadInterceptor)
  @ApiConsumes('multipart/form-data', 'application/jose')
  @ApiBody({
    description: 'multipart: field `photos`, one or more image files; application/jose: one compact JWE of one image',
    schema: {
      type: 'object',
      required: ['photos'],
      properties: { photos: { type: 'array', items: { type: 'string', format: 'binary' } } },
    },
  })
  async upload(
    @UuidParam('claimId', 'Claim not found') claimId: string,
    @Req() request: PhotoUploadRequest,
    @Caller() { ability, audit }: Caller,
  ): Promise<UploadResult> {
    return this.photos.upload(audit, ability, claimId, request.photoUpload!);
  }

  /** The decrypted image; audited. Compliance must send `X-Access-Justification`. */
  @Get(':photoId/content')
  @Can('view_content', 'Photo', { errors: [400, 404, 409, 410] })
  @Header('Cache-Control', 'no-store')
  @ApiQuery({ name: 'variant', required: false, enum: PHOTO_VARIANTS })
  @ApiHeader({ name: 'X-Access-Justification', required: false, description: 'required for compliance (audited)' })
  @ApiOkResponse({
    description: 'the decrypted image bytes',
    content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
  })
  async content(
    @UuidParam('claimId', 'Photo not found') claimId: string,
    @UuidParam('photoId', 'Photo not found') photoId: string,
    @Query('variant') variant: string | undefined,
    @Caller() { ability, audit }: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const chosen = (variant ?? 'original') as BlobVariant;
    if (!PHOTO_VARIANTS.includes(chosen))
      throw new BadRequestException(`variant must be one of ${PHOTO_VARIANTS.join(', ')}`);
    const content = await this.photos.content(audit, ability, claimId, photoId, chosen);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(content.bytes, {
      type: content.mime,
      length: content.bytes.length,
      disposition: 'inline',
    });
  }
}
