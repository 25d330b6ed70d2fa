import { useState, type FormEvent } from 'react';
import { client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Loaded, SecretAlert } from '../../components/States';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';

const COLUMNS = ['Client', 'Team', 'Status', 'Keys', <span className="sr-only">Actions</span>];
type ClientRow = NonNullable<ReturnType<typeof useClients>['data']>['items'][number];

function useClients() {
  return useApi((signal) => client.GET('/v1/api-clients', { signal }), []);
}

function keyState(key: ClientRow['keys'][number]): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= Date.now()) return 'expired';
  if (key.expiresAt) return `works until ${dateTime(key.expiresAt)}`;
  return 'active';
}

/** Admins: intake systems and their API keys — rotate with an overlap window, revoke. */
export function ClientsPage() {
  const clients = useClients();
  const [rotating, setRotating] = useState<ClientRow | null>(null);
  const [overlapHours, setOverlapHours] = useState('24');
  const [revoking, setRevoking] = useState<ClientRow | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string; key?: string } | null>(null);
  const [name, setName] = useState('');
  const [team, setTeam] = useState('team-a');

  const create = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setMessage({ ok: false, text: 'Name the intake system.' });
    setBusy(true);
    try {
      const created = await unwrap(client.POST('/v1/api-clients', { body: { name: name.trim(), team } }));
      setMessage({ ok: true, text: `Created ${created.name}. Its API key (shown once):`, key: created.apiKey });
      setName('');
      clients.reload();
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };

  const rotate = async () => {
    if (!rotating) return;
    const hours = Number(overlapHours);
    if (!Number.isFinite(hours) || hours < 0 || hours > 2160) {
      setMessage({ ok: false, text: 'The overlap is a number of hours between 0 and 2160.' });
      return;
    }
    setBusy(true);
    try {
      const rotated = await unwrap(
        client.POST('/v1/api-clients/{id}/rotate-key', {
          params: { path: { id: rotating.id } },
          body: { overlapSeconds: Math.round(hours * 3600) },
        }),
      );
      setMessage({
        ok: true,
        text: `New key for ${rotating.name} (shown once; the old keys work until ${dateTime(rotated.oldKeysExpireAt)}):`,
        key: rotated.apiKey,
      });
      clients.reload();
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
      setRotating(null);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    setBusy(true);
    try {
      await unwrap(client.POST('/v1/api-clients/{id}/revoke', { params: { path: { id: revoking.id } } }));
      setMessage({ ok: true, text: `${revoking.name} is revoked: all its keys stopped working.` });
      clients.reload();
    } catch (caught) {
      setMessage({ ok: false, text: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
      setRevoking(null);
    }
  };

  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">Intake clients</h1>
      <form
        className="card filters"
        onSubmit={(event) => void create(event)}
        noValidate
        aria-labelledby="new-client-title"
      >
        <h2 id="new-client-title" className="full">
          Add an intake system
        </h2>
        <label className="grow">
          Name
          <input name="name" value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
        </label>
        <label>
          Team
          <input name="team" value={team} onChange={(event) => setTeam(event.target.value)} />
        </label>
        <div className="filters__buttons">
          <button type="submit" className="primary" disabled={busy}>
            Add client
          </button>
        </div>
      </form>
      {message && (
        <SecretAlert
          ok={message.ok}
          testId="clients-message"
          text={message.text}
          secret={message.key ? { value: message.key, testId: 'new-api-key' } : undefined}
        />
      )}
      <Loaded
        state={clients}
        loading="Loading intake clients"
        isEmpty={(data) => data.items.length === 0}
        empty="No intake clients yet."
      >
        {(data) => (
          <DataTable caption="Intake clients" columns={COLUMNS} testId="clients-table">
            {data.items.map((row) => (
              <tr key={row.id} data-testid="client-row" data-name={row.name}>
                <td>{row.name}</td>
                <td>{row.team}</td>
                <td>{row.revokedAt ? <span className="badge badge--breach">revoked</span> : 'active'}</td>
                <td>
                  <ul className="key-list">
                    {row.keys.map((key) => (
                      <li key={key.id} data-testid="key-item">
                        <code>{key.prefix}</code> · {keyState(key)}
                      </li>
                    ))}
                  </ul>
                </td>
                <td className="actions">
                  {!row.revokedAt && (
                    <>
                      <button type="button" onClick={() => setRotating(row)}>
                        Rotate key
                      </button>
                      <button type="button" className="danger" onClick={() => setRevoking(row)}>
                        Revoke
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>
      <ConfirmDialog
        open={rotating !== null}
        title={`Rotate the key of ${rotating?.name ?? ''}?`}
        confirmLabel="Rotate key"
        busy={busy}
        onConfirm={() => void rotate()}
        onCancel={() => setRotating(null)}
      >
        <p>
          A new key is issued. The current keys keep working for the overlap, so the system can switch without downtime.
        </p>
        <label>
          Overlap (hours)
          <input
            name="overlap"
            inputMode="numeric"
            value={overlapHours}
            onChange={(event) => setOverlapHours(event.target.value)}
          />
        </label>
      </ConfirmDialog>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke ${revoking?.name ?? ''}?`}
        confirmLabel="Revoke"
        danger
        busy={busy}
        onConfirm={() => void revoke()}
        onCancel={() => setRevoking(null)}
      >
        <p>Every key of this intake system stops working at once. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
