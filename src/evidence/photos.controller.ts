import {
  BadRequestException,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { ApiConsumes, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../common/access.decorators';
import { RequirePolicy } from '../common/access.decorators';
import { CurrentAbility } from '../common/request-context';
import type { BlobVariant } from '../crypto/envelope-crypto';
import { PhotoUploadInterceptor, type PhotoUploadRequest } from './photo-upload.interceptor';
import { PHOTO_VARIANTS, PhotosService, type UploadResult } from './photos.service';

@ApiTags('photos')
@Controller('v1/claims/:claimId/photos')
export class PhotosController {
  constructor(private readonly photos: PhotosService) {}

  /** multipart field `photos` (one or more files), or one compact JWE as `application/jose`. All or nothing. */
  @Post()
  @HttpCode(HttpStatus.CREATED)
  @RequirePolicy('create', 'Photo')
  @UseInterceptors(PhotoUploadInterceptor)
  @ApiConsumes('multipart/form-data', 'application/jose')
  async upload(
    @Param('claimId') claimId: string,
    @Req() request: PhotoUploadRequest,
    @CurrentAbility() ability: AppAbility,
    @AuditCtx() context: AuditContext,
  ): Promise<UploadResult> {
    return this.photos.upload(context, ability, claimId, request.photoUpload!);
  }

  /** The decrypted image; audited. Compliance must send `X-Access-Justification`. */
  @Get(':photoId/content')
  @RequirePolicy('view_content', 'Photo')
  @Header('Cache-Control', 'no-store')
  async content(
    @Param('claimId') claimId: string,
    @Param('photoId') photoId: string,
    @Query('variant') variant: string | undefined,
    @CurrentAbility() ability: AppAbility,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const chosen = (variant ?? 'original') as BlobVariant;
    if (!PHOTO_VARIANTS.includes(chosen))
      throw new BadRequestException(`variant must be one of ${PHOTO_VARIANTS.join(', ')}`);
    const content = await this.photos.content(context, ability, claimId, photoId, chosen);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(content.bytes, {
      type: content.mime,
      length: content.bytes.length,
      disposition: 'inline',
    });
  }
}
