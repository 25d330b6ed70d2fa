import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { ApiClient, ApiKey } from './api-client.entity';

export interface PresentedKeyRow {
  key_hash: string;
  expires_at: Date | null;
  key_revoked_at: Date | null;
  id: string;
  name: string;
  team: string;
  client_revoked_at: Date | null;
}

/** The api_clients and api_keys tables: the only code that reads or writes their rows. */
@Injectable()
export class ApiClientsRepository extends OwnedTableRepository {
  insertClient(tx: Tx, name: string, team: string): Promise<ApiClient> {
    return tx.save(tx.create(ApiClient, { name, team }));
  }

  insertKey(
    tx: Tx,
    key: { clientId: string; prefix: string; keyHash: string; expiresAt?: Date | null },
  ): Promise<ApiKey> {
    return tx.save(tx.create(ApiKey, key));
  }

  lockClient(tx: Tx, clientId: string): Promise<ApiClient | null> {
    return tx.findOne(ApiClient, { where: { id: clientId }, lock: { mode: 'pessimistic_write' } });
  }

  lockKey(tx: Tx, clientId: string, keyId: string): Promise<ApiKey | null> {
    return tx.findOne(ApiKey, { where: { id: keyId, clientId }, lock: { mode: 'pessimistic_write' } });
  }

  async markKeyRevoked(tx: Tx, keyId: string, at: Date): Promise<void> {
    await tx.update(ApiKey, { id: keyId }, { revokedAt: at });
  }

  async setKeyExpiry(tx: Tx, keyId: string, at: Date): Promise<void> {
    await tx.update(ApiKey, { id: keyId }, { expiresAt: at });
  }

  /** Revokes the client and every key of it not yet revoked. */
  async revokeClientAndKeys(tx: Tx, clientId: string, at: Date): Promise<void> {
    await tx.update(ApiClient, { id: clientId }, { revokedAt: at });
    await tx.update(ApiKey, { clientId, revokedAt: IsNull() }, { revokedAt: at });
  }

  keysOfClient(clientId: string, tx?: Tx): Promise<ApiKey[]> {
    return this.m(tx).find(ApiKey, { where: { clientId }, order: { createdAt: 'ASC' } });
  }

  listClients(): Promise<ApiClient[]> {
    return this.m().find(ApiClient, { order: { createdAt: 'ASC' } });
  }

  listKeys(): Promise<ApiKey[]> {
    return this.m().find(ApiKey, { order: { createdAt: 'ASC' } });
  }

  /** The key with this prefix and its client's state (authentication). */
  async findByKeyPrefix(prefix: string): Promise<PresentedKeyRow | undefined> {
    const rows = (await this.m().query(
      `SELECT k.key_hash, k.expires_at, k.revoked_at AS key_revoked_at, c.id, c.name, c.team, c.revoked_at AS client_revoked_at
         FROM api_keys k JOIN api_clients c ON c.id = k.client_id WHERE k.prefix = $1`,
      [prefix],
    )) as PresentedKeyRow[];
    return rows[0];
  }
}
