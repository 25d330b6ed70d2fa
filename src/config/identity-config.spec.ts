import { loadConfig } from './app-config';
import { ConfigError } from './config.schema';

describe('identity configuration', () => {
  it('forces a second factor on admin and compliance unless told otherwise; empty or none forces nobody', () => {
    expect(loadConfig({}).auth.mfaRequiredRoles).toEqual(['admin', 'compliance']);
    expect(loadConfig({ MFA_REQUIRED_ROLES: '' }).auth.mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'none' }).auth.mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ MFA_REQUIRED_ROLES: 'supervisor, admin' }).auth.mfaRequiredRoles).toEqual([
      'supervisor',
      'admin',
    ]);
    expect(() => loadConfig({ MFA_REQUIRED_ROLES: 'root' })).toThrow(ConfigError);
  });

  it('has defaults for the challenge, the set-password link and the key rotation overlap', () => {
    const { auth } = loadConfig({});
    expect(auth).toMatchObject({ mfaChallengeTtlS: 300, passwordResetTtlS: 86400, apiKeyRotationOverlapS: 86400 });
    expect(loadConfig({ API_KEY_ROTATION_OVERLAP_S: '0' }).auth.apiKeyRotationOverlapS).toBe(0);
  });
});
