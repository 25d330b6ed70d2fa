import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Sessions are refresh-token families; a revoked one (logout, reuse detected) ends its access tokens too. */
@Injectable()
export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  async isRevoked(familyId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1`,
      [familyId],
    )) as unknown[];
    return rows.length > 0;
  }
}
