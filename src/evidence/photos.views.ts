import { ApiProperty } from '@nestjs/swagger';
import { IntakePhotoView } from '../claims/claims.views';

/** 201 of a photo upload: every photo of the request (all or nothing). */
export class UploadResult {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ type: () => [IntakePhotoView] }) photos!: IntakePhotoView[];
}
