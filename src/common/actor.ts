export const STAFF_ROLES = ['adjuster', 'supervisor', 'compliance', 'admin', 'investigator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who is calling: a person signed in with a JWT, or an intake system with an API key. */
export type Actor =
  | {
      readonly kind: 'user';
      readonly id: string;
      readonly role: StaffRole;
      readonly team: string;
      readonly email: string;
    }
  | { readonly kind: 'api_client'; readonly id: string; readonly team: string; readonly name: string };
