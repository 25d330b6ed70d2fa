import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Crop hashes let the duplicate check recognise cropped copies; photos stored before have none. */
export class PhotoCropHashes1768400000000 implements MigrationInterface {
  name = 'PhotoCropHashes1768400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE photos ADD COLUMN crop_hashes text[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE photos DROP COLUMN crop_hashes`);
  }
}
