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
import { PhotoEvidenceService } from './photo-evidence.service';
import { DuplicateMatchView, PhotoMetadataView } from './photo-evidence.views';

@ApiTags('photos')
@ApiIntakeAuth()
@Controller('v1/claims/:claimId/photos')
export class PhotosController {
  constructor(
    private readonly photos: PhotosService,
    private readonly evidence: PhotoEvidenceService,
  ) {}

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

  /** Capture time, device, software; GPS as present/absent unless the caller may see it (audited when shown). */
  @Get(':photoId/metadata')
  @ApiHeader({ name: 'X-Access-Justification', required: false, description: 'required for compliance (audited)' })
  @Can('read', 'Photo', { ok: PhotoMetadataView, errors: [404] })
  async metadata(
    @UuidParam('claimId', 'Photo not found') claimId: string,
    @UuidParam('photoId', 'Photo not found') photoId: string,
    @Caller() { ability, audit }: Caller,
  ): Promise<PhotoMetadataView> {
    return this.evidence.metadata(audit, ability, claimId, photoId);
  }

  /** The photo this photo's duplicate_photo check matched in another claim; its identity only when the caller may see it. */
  @Get(':photoId/match')
  @ApiHeader({ name: 'X-Access-Justification', required: false, description: 'required for compliance (audited)' })
  @Can('view_content', 'Photo', { ok: DuplicateMatchView, errors: [404] })
  async match(
    @UuidParam('claimId', 'Photo not found') claimId: string,
    @UuidParam('photoId', 'Photo not found') photoId: string,
    @Caller() { ability }: Caller,
  ): Promise<DuplicateMatchView> {
    return this.evidence.match(ability, claimId, photoId);
  }

  /** The matched photo's preview (JPEG), for whoever may view this claim's photos; audited as a view of that photo. */
  @Get(':photoId/match/preview')
  @ApiHeader({ name: 'X-Access-Justification', required: false, description: 'required for compliance (audited)' })
  @Can('view_content', 'Photo', { errors: [404, 410] })
  @ApiOkResponse({
    description: "the matched photo's preview bytes",
    content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
  })
  async matchPreview(
    @UuidParam('claimId', 'Photo not found') claimId: string,
    @UuidParam('photoId', 'Photo not found') photoId: string,
    @Caller() { ability, audit }: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const content = await this.evidence.matchedPreview(audit, ability, claimId, photoId);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    return new StreamableFile(content.bytes, {
      type: content.mime,
      length: content.bytes.length,
      disposition: 'inline',
    });
  }
}
