import { useState, type FormEvent } from 'react';
import { ApiError, client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Loaded, SecretAlert } from '../../components/States';
import { dateTime } from '../../format';
import { useApi, useSession } from '../../hooks';
import { ALL_ROLES } from '../../roles';
import type { Role, User } from '../../api/types';

const COLUMNS = ['Person', 'Role', 'Team', 'Status', 'Last sign-in', <span className="sr-only">Actions</span>];
const TEAM = /^[a-z0-9][a-z0-9._-]{0,63}$/;

function problem(caught: unknown): string {
  if (caught instanceof ApiError && caught.status === 409)
    return caught.message.replace(/^./, (c) => c.toUpperCase()) + '.';
  return caught instanceof Error ? caught.message : String(caught);
}

/** One person's row: role and team edited in place, deactivate/reactivate, a set-password link. */
function PersonRow({
  user,
  self,
  onChanged,
  onMessage,
  onDisable,
}: {
  user: User;
  self: boolean;
  onChanged(): void;
  onMessage(message: { ok: boolean; text: string; link?: string }): void;
  onDisable(user: User): void;
}) {
  const [role, setRole] = useState<Role>(user.role);
  const [team, setTeam] = useState(user.team);
  const [busy, setBusy] = useState(false);
  const dirty = role !== user.role || team !== user.team;
  const label = user.displayName || user.email;

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (caught) {
      onMessage({ ok: false, text: problem(caught) });
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    run(async () => {
      if (!TEAM.test(team)) throw new Error('A team is lowercase letters, digits, dot, dash or underscore.');
      await unwrap(client.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: { role, team } }));
      onMessage({ ok: true, text: `${user.email} is now ${role} in team ${team}.` });
      onChanged();
    });
  const enable = () =>
    run(async () => {
      await unwrap(client.POST('/v1/users/{id}/enable', { params: { path: { id: user.id } } }));
      onMessage({ ok: true, text: `${user.email} is active again.` });
      onChanged();
    });
  const reset = () =>
    run(async () => {
      const link = await unwrap(client.POST('/v1/users/{id}/password-reset', { params: { path: { id: user.id } } }));
      onMessage({
        ok: true,
        text: `Set-password link for ${user.email} (shown once, valid until ${dateTime(link.expiresAt)}):`,
        link: `${window.location.origin}${link.path}`,
      });
    });

  return (
    <tr data-testid="person-row" data-email={user.email}>
      <td>
        {user.displayName}
        <br />
        <span className="muted">{user.email}</span>
      </td>
      <td>
        <select aria-label={`Role of ${label}`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
          {ALL_ROLES.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          aria-label={`Team of ${label}`}
          value={team}
          size={10}
          onChange={(event) => setTeam(event.target.value)}
        />
      </td>
      <td>{user.disabledAt ? <span className="badge badge--breach">deactivated</span> : 'active'}</td>
      <td>{user.lastLoginAt ? dateTime(user.lastLoginAt) : 'never'}</td>
      <td className="actions">
        {dirty && (
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            Save
          </button>
        )}
        {user.disabledAt ? (
          <button type="button" disabled={busy} onClick={() => void enable()}>
            Reactivate
          </button>
        ) : (
          <>
            <button type="button" disabled={busy} onClick={() => void reset()}>
              Reset password
            </button>
            {!self && (
              <button type="button" className="danger" disabled={busy} onClick={() => onDisable(user)}>
                Deactivate
              </button>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

/** Admins: staff accounts — create, change role and team, deactivate, reactivate, reset a password. */
export function UsersPage() {
  const session = useSession();
  const users = useApi((signal) => client.GET('/v1/users', { signal }), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('adjuster');
  const [team, setTeam] = useState('team-a');
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; link?: string } | null>(null);
  const [disabling, setDisabling] = useState<User | null>(null);
  const [disableBusy, setDisableBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.includes('@')) return setMessage({ ok: false, text: 'Enter the person’s email address.' });
    if (!TEAM.test(team))
      return setMessage({ ok: false, text: 'A team is lowercase letters, digits, dot, dash or underscore.' });
    setCreating(true);
    setMessage(null);
    try {
      const created = await unwrap(client.POST('/v1/users', { body: { email: email.trim(), role, team } }));
      const link = await unwrap(
        client.POST('/v1/users/{id}/password-reset', { params: { path: { id: created.user.id } } }),
      );
      setMessage({
        ok: true,
        text: `Created ${created.user.email}. Give them this set-password link (shown once, valid until ${dateTime(link.expiresAt)}):`,
        link: `${window.location.origin}${link.path}`,
      });
      setEmail('');
      users.reload();
    } catch (caught) {
      setMessage({
        ok: false,
        text:
          caught instanceof ApiError && caught.status === 409 ? 'A person with this email exists.' : problem(caught),
      });
    } finally {
      setCreating(false);
    }
  };

  const disable = async () => {
    if (!disabling) return;
    setDisableBusy(true);
    try {
      await unwrap(client.POST('/v1/users/{id}/disable', { params: { path: { id: disabling.id } } }));
      setMessage({ ok: true, text: `${disabling.email} is deactivated: every session of theirs has ended.` });
      users.reload();
    } catch (caught) {
      setMessage({ ok: false, text: problem(caught) });
    } finally {
      setDisableBusy(false);
      setDisabling(null);
    }
  };

  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title">People</h1>
      <form className="card filters" onSubmit={(event) => void create(event)} noValidate aria-labelledby="create-title">
        <h2 id="create-title" className="full">
          Add a person
        </h2>
        <label className="grow">
          Email
          <input name="email" type="email" value={email} onChange={(event) => setEmail(event.target.value)} />
        </label>
        <label>
          Role
          <select name="role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {ALL_ROLES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Team
          <input name="team" value={team} onChange={(event) => setTeam(event.target.value)} />
        </label>
        <div className="filters__buttons">
          <button type="submit" className="primary" disabled={creating}>
            {creating ? 'Adding…' : 'Add person'}
          </button>
        </div>
      </form>
      {message && (
        <SecretAlert
          ok={message.ok}
          testId="people-message"
          text={message.text}
          secret={message.link ? { value: message.link, testId: 'reset-link' } : undefined}
        />
      )}
      <Loaded
        state={users}
        loading="Loading people"
        isEmpty={(data) => data.items.length === 0}
        empty="No accounts yet."
      >
        {(data) => (
          <DataTable caption="Staff accounts" columns={COLUMNS} testId="people-table">
            {data.items.map((user) => (
              <PersonRow
                key={`${user.id}:${user.role}:${user.team}:${user.disabledAt ?? ''}`}
                user={user}
                self={user.id === session?.user.id}
                onChanged={users.reload}
                onMessage={setMessage}
                onDisable={setDisabling}
              />
            ))}
          </DataTable>
        )}
      </Loaded>
      <ConfirmDialog
        open={disabling !== null}
        title={`Deactivate ${disabling?.email ?? ''}?`}
        confirmLabel="Deactivate"
        danger
        busy={disableBusy}
        onConfirm={() => void disable()}
        onCancel={() => setDisabling(null)}
      >
        <p>They cannot sign in any more, and every session and token of theirs stops working at once.</p>
      </ConfirmDialog>
    </section>
  );
}
