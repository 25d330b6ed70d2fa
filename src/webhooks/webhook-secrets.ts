import { Injectable } from '@nestjs/common';
import { EnvelopeCrypto } from '../crypto/envelope-crypto';
import type { WebhookEndpointRow } from './webhook-endpoints.repository';

/**
 * Endpoint signing secrets at rest: the 32-byte HMAC key is a data key of the envelope scheme
 * (src/crypto/README.md), stored only wrapped by the active master key (AES-256-GCM, AAD naming the
 * master key version). The secret string (`whsec_` + base64) leaves the service once, in the answer
 * that created or rotated it; it is never logged or audited.
 */
@Injectable()
export class WebhookSecrets {
  constructor(private readonly envelope: EnvelopeCrypto) {}

  async generate(): Promise<{ key: Buffer; wrappedSecret: Buffer; keyVersion: number }> {
    const { dataKey, wrappedDataKey, keyVersion } = await this.envelope.newDataKey();
    return { key: dataKey, wrappedSecret: wrappedDataKey, keyVersion };
  }

  /** The keys that sign now: the current one, and the previous one during a rotation's overlap. */
  async signingKeys(endpoint: WebhookEndpointRow, now: Date): Promise<Buffer[]> {
    const keys = [await this.envelope.unwrapDataKey(endpoint.wrapped_secret, endpoint.secret_key_version)];
    if (
      endpoint.previous_wrapped_secret &&
      endpoint.previous_secret_key_version !== null &&
      endpoint.previous_secret_expires_at &&
      new Date(endpoint.previous_secret_expires_at).getTime() > now.getTime()
    )
      keys.push(
        await this.envelope.unwrapDataKey(endpoint.previous_wrapped_secret, endpoint.previous_secret_key_version),
      );
    return keys;
  }
}
