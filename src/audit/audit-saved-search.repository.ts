import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';

export interface SavedSearchRow {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  createdAt: Date;
}

/** audit_saved_searches: a staff user's named audit searches (their own only). */
@Injectable()
export class AuditSavedSearchRepository extends OwnedTableRepository {
  async listOf(userId: string): Promise<SavedSearchRow[]> {
    const rows = (await this.m().query(
      `SELECT id, name, filters, created_at FROM audit_saved_searches WHERE user_id = $1 ORDER BY name, id`,
      [userId],
    )) as Array<{ id: string; name: string; filters: Record<string, unknown>; created_at: Date }>;
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      filters: row.filters,
      createdAt: new Date(row.created_at),
    }));
  }

  /** Saves (or, under the same name, replaces) a search of the user. */
  async upsert(userId: string, name: string, filters: Record<string, unknown>): Promise<SavedSearchRow> {
    const [row] = (await this.m().query(
      `INSERT INTO audit_saved_searches (user_id, name, filters) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, name) DO UPDATE SET filters = EXCLUDED.filters
       RETURNING id, name, filters, created_at`,
      [userId, name, JSON.stringify(filters)],
    )) as Array<{ id: string; name: string; filters: Record<string, unknown>; created_at: Date }>;
    return { id: row.id, name: row.name, filters: row.filters, createdAt: new Date(row.created_at) };
  }

  /** Deletes the user's search; false when the user has none with that id. */
  async delete(userId: string, id: string): Promise<boolean> {
    // Through a CTE: a bare DELETE answers TypeORM's [rows, count] pair rather than the rows.
    const [row] = (await this.m().query(
      `WITH deleted AS (DELETE FROM audit_saved_searches WHERE id = $1 AND user_id = $2 RETURNING id)
       SELECT count(*)::int AS count FROM deleted`,
      [id, userId],
    )) as Array<{ count: number }>;
    return row.count > 0;
  }
}
