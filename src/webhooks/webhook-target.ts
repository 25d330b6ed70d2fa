import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * Where a webhook may go (SSRF rules, src/webhooks/README.md). A URL is refused unless it is
 * https:// to a host whose every resolved address is public unicast, or its host (by name, address or
 * CIDR) is on the operator's allow-list `WEBHOOKS_ALLOWED_HOSTS`, which also permits http://. The
 * classification of addresses is ipaddr.js's `range()` (loopback, private, carrierGradeNat,
 * linkLocal, uniqueLocal, unspecified, multicast, broadcast, reserved, … — everything but `unicast`
 * is refused); IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */

/** Why a target was refused; the message names the problem for the 400 answer and the delivery log. */
export class WebhookTargetRefused extends Error {
  constructor(
    readonly reason: 'invalid_url' | 'scheme' | 'credentials' | 'address' | 'unresolvable',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookTargetRefused';
  }
}

/** A resolved address: what the connection will use, so the address checked is the address connected to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (the injected seam: tests pass a fake resolver). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => ({
    address: entry.address,
    family: entry.family === 6 ? 6 : 4,
  }));

/** The ipaddr.js range of an address ("unicast" for a public one), IPv4-mapped IPv6 judged as IPv4. */
export function addressRange(address: string): string {
  return ipaddr.process(address).range();
}

export function isPublicAddress(address: string): boolean {
  return addressRange(address) === 'unicast';
}

function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Whether the allow-list names this host, or (for CIDR and address entries) this address. */
export function allowListed(allowList: readonly string[], host: string, address?: string): boolean {
  const candidates = [host, ...(address ? [address] : [])];
  for (const entry of allowList) {
    const bare = entry.replace(/^\[|\](?=\/|$)/g, '');
    if (candidates.includes(bare.replace(/\.$/, ''))) return true;
    for (const candidate of candidates) {
      if (!ipaddr.isValid(candidate)) continue;
      try {
        const cidr = bare.includes('/')
          ? ipaddr.parseCIDR(bare)
          : ipaddr.parseCIDR(`${bare}/${bare.includes(':') ? 128 : 32}`);
        const parsed = ipaddr.process(candidate);
        const range =
          cidr[0].kind() === 'ipv6' && parsed.kind() === 'ipv4' ? ipaddr.parse(`::ffff:${candidate}`) : parsed;
        if (range.kind() === cidr[0].kind() && range.match(cidr)) return true;
      } catch {
        // a host-name entry: compared by name above
      }
    }
  }
  return false;
}

/** Checks the URL's form (scheme, no credentials); the addresses are checked by `resolveTarget`. */
export function parseTargetUrl(raw: string, allowList: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetRefused('invalid_url', 'url must be an absolute https:// URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new WebhookTargetRefused('scheme', 'url must use https://');
  if (url.username || url.password)
    throw new WebhookTargetRefused('credentials', 'url must not carry a user name or password');
  const host = hostOf(url);
  if (url.protocol === 'http:' && !allowListed(allowList, host) && !allowListedAddressLiteral(allowList, host))
    throw new WebhookTargetRefused(
      'scheme',
      `url must use https:// (http:// only for hosts on the operator allow-list WEBHOOKS_ALLOWED_HOSTS; ${host} is not)`,
    );
  return url;
}

function allowListedAddressLiteral(allowList: readonly string[], host: string): boolean {
  return ipaddr.isValid(host) && allowListed(allowList, host, host);
}

/**
 * Resolves the URL's host and checks every address it resolves to: the connection then goes to
 * the first address checked (see WebhookTransport), so a DNS answer that changes between the check and
 * the connection (rebinding) cannot send it elsewhere. Throws WebhookTargetRefused before any
 * connection is tried.
 */
export async function resolveTarget(
  url: URL,
  allowList: readonly string[],
  resolve: HostResolver,
): Promise<ResolvedAddress> {
  const host = hostOf(url);
  let addresses: ResolvedAddress[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookTargetRefused('unresolvable', `the host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw new WebhookTargetRefused('unresolvable', `the host ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    if (isPublicAddress(address) || allowListed(allowList, host, address)) continue;
    const named = address === host ? host : `${host} resolves to ${address}, which`;
    throw new WebhookTargetRefused(
      'address',
      `${named} is a ${addressRange(address)} address; webhooks go to public addresses only unless the operator allow-list WEBHOOKS_ALLOWED_HOSTS names it`,
    );
  }
  return addresses[0];
}
