import { ApiProperty } from '@nestjs/swagger';

export class GpsPositionView {
  @ApiProperty() latitude!: number;
  @ApiProperty() longitude!: number;
  @ApiProperty({ required: false }) altitude?: number;
}

/** A photo's metadata for the viewer: capture time, device, software; GPS only for roles that may see it. */
export class PhotoMetadataView {
  @ApiProperty({ format: 'uuid' }) photoId!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() mime!: string;
  @ApiProperty() byteSize!: number;
  @ApiProperty({ type: String, nullable: true, description: 'EXIF DateTimeOriginal as recorded' })
  captureTime!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'EXIF make and model' }) device!: string | null;
  @ApiProperty({ type: String, nullable: true }) software!: string | null;
  @ApiProperty({ description: 'whether the photo carries a GPS position (stored encrypted)' }) hasGps!: boolean;
  @ApiProperty({ description: 'whether the caller may see the position (investigators, supervisors of the team)' })
  gpsVisible!: boolean;
  @ApiProperty({
    type: () => GpsPositionView,
    nullable: true,
    description: 'only when gpsVisible (the reveal is audited as photo.location_viewed)',
  })
  gps!: GpsPositionView | null;
}

/** The other claim of a duplicate match: its status and date always, its identity only when the caller may see it. */
export class MatchedClaimView {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: withheld' }) id!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: withheld' }) externalReference!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: withheld' }) team!: string | null;
  @ApiProperty() status!: string;
  @ApiProperty({ format: 'date-time', description: 'when the other claim was filed (created, when never submitted)' })
  filedAt!: string;
  @ApiProperty({ format: 'date' }) incidentDate!: string;
}

/** GET /v1/claims/:claimId/photos/:photoId/match: the duplicate_photo check's match, side by side. */
export class DuplicateMatchView {
  @ApiProperty({ format: 'uuid' }) checkId!: string;
  @ApiProperty({ format: 'uuid' }) photoId!: string;
  @ApiProperty() flagged!: boolean;
  @ApiProperty() uncertain!: boolean;
  @ApiProperty({ minimum: 0, maximum: 1 }) similarity!: number;
  @ApiProperty({ enum: ['sha256', 'perceptual_hash', 'crop_hash'] }) method!: string;
  @ApiProperty({ type: Number, nullable: true }) hammingDistance!: number | null;
  @ApiProperty({ type: String, nullable: true, description: "this photo's EXIF capture time" })
  capturedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the matched photo's EXIF capture time" })
  matchedCapturedAt!: string | null;
  @ApiProperty({ description: 'false when the matched photo was destroyed under retention' })
  matchedPreviewAvailable!: boolean;
  @ApiProperty({
    description:
      "whether the other claim's identity is shown (the caller may read it, or is a supervisor or investigator)",
  })
  identityVisible!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: withheld' })
  matchedPhotoId!: string | null;
  @ApiProperty({ type: () => MatchedClaimView }) matchedClaim!: MatchedClaimView;
}
