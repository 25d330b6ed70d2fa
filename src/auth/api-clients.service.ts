import { Inject, Injectable, NotFoundException, Optional } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import type { Actor } from '../common/actor';
import type { ApiClient, ApiKey } from './api-client.entity';
import { ApiClientsRepository } from './api-clients.repository';
import { apiKeyPrefix, equalHex, generateApiKey, sha256Hex } from './secrets';
import { ApiKeyView, ApiClientView } from './auth.views';
export { ApiKeyView, ApiClientView };

function keyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    prefix: key.prefix,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}

/** Intake systems and their API keys. Keys are stored as sha256 hashes; the key itself is shown once. */
@Injectable()
export class ApiClientsService {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly clients: ApiClientsRepository,
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  /**
   * Rotation with an overlap window: a new key, and every other live key of the client now expires
   * `overlapS` from now (API_KEY_ROTATION_OVERLAP_S by default; a key that expires sooner keeps its
   * earlier expiry). The intake system switches to the new key within the window.
   */
  async rotateKey(
    context: AuditContext,
    clientId: string,
    options: { overlapS?: number } = {},
  ): Promise<{ id: string; keyId: string; apiKey: string; oldKeysExpireAt: string; keys: ApiKeyView[] }> {
    const overlapS = options.overlapS ?? this.config?.auth.apiKeyRotationOverlapS ?? 86400;
    const generated = generateApiKey();
    return this.audit.run(context, async (tx) => {
      const client = await this.clients.lockClient(tx.manager, clientId);
      if (!client || client.revokedAt) throw new NotFoundException('API client not found');
      const now = this.clock.now();
      const cutoff = new Date(now.getTime() + overlapS * 1000);
      const before = await this.clients.keysOfClient(clientId, tx.manager);
      const shortened: Array<{ keyId: string; keyPrefix: string; before: string | null; after: string }> = [];
      for (const key of before) {
        if (key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= cutoff.getTime())) continue;
        await this.clients.setKeyExpiry(tx.manager, key.id, cutoff);
        shortened.push({
          keyId: key.id,
          keyPrefix: key.prefix,
          before: key.expiresAt?.toISOString() ?? null,
          after: cutoff.toISOString(),
        });
      }
      const key = await this.clients.insertKey(tx.manager, {
        clientId,
        prefix: generated.prefix,
        keyHash: generated.hash,
      });
      tx.record({
        action: 'api_key.rotated',
        resourceType: 'ApiClient',
        resourceId: clientId,
        details: { newKeyId: key.id, newKeyPrefix: key.prefix, overlapS, oldKeys: shortened },
      });
      const keys = await this.clients.keysOfClient(clientId, tx.manager);
      return {
        id: clientId,
        keyId: key.id,
        apiKey: generated.key,
        oldKeysExpireAt: cutoff.toISOString(),
        keys: keys.map(keyView),
      };
    });
  }

  async create(
    context: AuditContext,
    input: { name: string; team: string },
  ): Promise<{ id: string; name: string; team: string; keyId: string; apiKey: string }> {
    const generated = generateApiKey();
    return this.audit.run(context, async (tx) => {
      const client = await this.clients.insertClient(tx.manager, input.name.trim(), input.team.trim());
      const key = await this.clients.insertKey(tx.manager, {
        clientId: client.id,
        prefix: generated.prefix,
        keyHash: generated.hash,
      });
      tx.record({
        action: 'api_client.created',
        resourceType: 'ApiClient',
        resourceId: client.id,
        details: { name: client.name, team: client.team, keyId: key.id, keyPrefix: key.prefix },
      });
      return { id: client.id, name: client.name, team: client.team, keyId: key.id, apiKey: generated.key };
    });
  }

  /** Adds a key; the client's other keys stay valid until removed or expired (zero-downtime rotation). */
  async addKey(
    context: AuditContext,
    clientId: string,
    options: { expiresAt?: Date } = {},
  ): Promise<{ id: string; keyId: string; apiKey: string; expiresAt: string | null }> {
    const generated = generateApiKey();
    return this.audit.run(context, async (tx) => {
      const client = await this.clients.lockClient(tx.manager, clientId);
      if (!client || client.revokedAt) throw new NotFoundException('API client not found');
      const key = await this.clients.insertKey(tx.manager, {
        clientId,
        prefix: generated.prefix,
        keyHash: generated.hash,
        expiresAt: options.expiresAt ?? null,
      });
      tx.record({
        action: 'api_key.created',
        resourceType: 'ApiClient',
        resourceId: clientId,
        details: { keyId: key.id, keyPrefix: key.prefix, expiresAt: key.expiresAt },
      });
      return { id: clientId, keyId: key.id, apiKey: generated.key, expiresAt: key.expiresAt?.toISOString() ?? null };
    });
  }

  async revokeKey(context: AuditContext, clientId: string, keyId: string): Promise<ApiKeyView> {
    return this.audit.run(context, async (tx) => {
      const key = await this.clients.lockKey(tx.manager, clientId, keyId);
      if (!key) throw new NotFoundException('API key not found');
      if (!key.revokedAt) {
        key.revokedAt = this.clock.now();
        await this.clients.markKeyRevoked(tx.manager, key.id, key.revokedAt);
        tx.record({
          action: 'api_key.revoked',
          resourceType: 'ApiClient',
          resourceId: clientId,
          details: { keyId: key.id, keyPrefix: key.prefix },
        });
      }
      return keyView(key);
    });
  }

  /** Revokes the client and all its keys, at once. */
  async revoke(context: AuditContext, clientId: string): Promise<ApiClientView> {
    return this.audit.run(context, async (tx) => {
      const client = await this.clients.lockClient(tx.manager, clientId);
      if (!client) throw new NotFoundException('API client not found');
      const now = this.clock.now();
      if (!client.revokedAt) {
        client.revokedAt = now;
        await this.clients.revokeClientAndKeys(tx.manager, clientId, now);
        tx.record({
          action: 'api_client.revoked',
          resourceType: 'ApiClient',
          resourceId: clientId,
          details: { name: client.name, before: { status: 'active' }, after: { status: 'revoked', revokedAt: now } },
        });
      }
      const keys = await this.clients.keysOfClient(clientId, tx.manager);
      return this.view(client, keys);
    });
  }

  async list(): Promise<ApiClientView[]> {
    const clients = await this.clients.listClients();
    const keys = await this.clients.listKeys();
    return clients.map((client) =>
      this.view(
        client,
        keys.filter((key) => key.clientId === client.id),
      ),
    );
  }

  private view(client: ApiClient, keys: ApiKey[]): ApiClientView {
    return {
      id: client.id,
      name: client.name,
      team: client.team,
      revokedAt: client.revokedAt?.toISOString() ?? null,
      createdAt: client.createdAt.toISOString(),
      keys: keys.map(keyView),
    };
  }

  /**
   * The intake actor of a presented key, or undefined. Checked against the database on every request
   * (no cache), so a revoked key or client stops working at once.
   */
  async authenticate(presented: string): Promise<Actor | undefined> {
    const prefix = apiKeyPrefix(presented);
    if (!prefix) return undefined;
    const row = await this.clients.findByKeyPrefix(prefix);
    const hash = sha256Hex(presented);
    if (!row || !equalHex(hash, row.key_hash)) return undefined;
    const now = this.clock.nowMs();
    if (row.key_revoked_at || row.client_revoked_at) return undefined;
    if (row.expires_at && new Date(row.expires_at).getTime() <= now) return undefined;
    return { kind: 'api_client', id: row.id, name: row.name, team: row.team };
  }
}
