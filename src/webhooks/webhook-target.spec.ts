import {
  addressRange,
  allowListed,
  parseTargetUrl,
  resolveTarget,
  WebhookTargetRefused,
  type HostResolver,
} from './webhook-target';

const resolverOf =
  (answers: Record<string, string[]>): HostResolver =>
  async (host) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }) as const);

async function refusal(url: string, allowList: string[] = [], resolver = resolverOf({})): Promise<string> {
  try {
    await resolveTarget(parseTargetUrl(url, allowList), allowList, resolver);
  } catch (error) {
    if (error instanceof WebhookTargetRefused) return error.message;
    throw error;
  }
  return 'allowed';
}

describe('webhook targets (SSRF rules)', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['fd00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['93.184.216.34', 'unicast'],
    ['2606:2800:220:1:248:1893:25c8:1946', 'unicast'],
  ])('classifies %s as %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://10.0.0.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/x',
  ])('refuses %s without the allow-list', async (url) => {
    expect(await refusal(url)).toMatch(/address; webhooks go to public addresses only/);
  });

  it('refuses a host name that resolves to loopback, naming the address', async () => {
    expect(await refusal('https://localhost/hook', [], resolverOf({ localhost: ['127.0.0.1'] }))).toBe(
      'localhost resolves to 127.0.0.1, which is a loopback address; webhooks go to public addresses only unless the operator allow-list WEBHOOKS_ALLOWED_HOSTS names it',
    );
  });

  it('refuses when any of the addresses is not public', async () => {
    expect(
      await refusal('https://mixed.test/h', [], resolverOf({ 'mixed.test': ['93.184.216.34', '10.1.2.3'] })),
    ).toMatch(/resolves to 10\.1\.2\.3, which is a private address/);
  });

  it('allows public https targets and returns the checked address', async () => {
    const url = parseTargetUrl('https://hooks.example.test/in', []);
    await expect(resolveTarget(url, [], resolverOf({ 'hooks.example.test': ['93.184.216.34'] }))).resolves.toEqual({
      address: '93.184.216.34',
      family: 4,
    });
  });

  it('refuses http:// and other schemes unless allow-listed, and credentials in the URL', async () => {
    expect(await refusal('http://hooks.example.test/in')).toMatch(/must use https:\/\//);
    expect(await refusal('ftp://hooks.example.test/in')).toBe('url must use https://');
    expect(await refusal('https://u:p@hooks.example.test/in')).toMatch(/user name or password/);
    expect(await refusal('not a url')).toMatch(/absolute https/);
  });

  it('the allow-list admits hosts by name, address or CIDR, and http:// for them', async () => {
    expect(await refusal('http://127.0.0.1:9000/h', ['127.0.0.1'])).toBe('allowed');
    expect(await refusal('http://127.0.0.5:9000/h', ['127.0.0.0/8'])).toBe('allowed');
    expect(await refusal('http://[::1]:9000/h', ['::1'])).toBe('allowed');
    expect(
      await refusal('https://intranet.local/h', ['intranet.local'], resolverOf({ 'intranet.local': ['10.0.0.7'] })),
    ).toBe('allowed');
    expect(await refusal('https://10.0.0.1/h', ['127.0.0.0/8'])).toMatch(/private address/);
    expect(allowListed(['10.0.0.0/8'], 'x.test', '10.9.9.9')).toBe(true);
    expect(allowListed(['10.0.0.0/8'], 'x.test', '11.9.9.9')).toBe(false);
  });

  it('an unresolvable host is refused', async () => {
    expect(await refusal('https://nowhere.test/h')).toBe('the host nowhere.test does not resolve');
  });
});
