import { useEffect, useRef, useState, type FormEvent } from 'react';
import { label } from '../format';
import type { Outcome, ReasonCatalogue } from '../api/types';

export interface DecisionValues {
  outcome: Outcome | '';
  reasonCode: string;
  note: string;
  /** request_info only: what the claimant should send, written for the claimant. */
  message?: string;
  /** request_info only: YYYY-MM-DD; empty: the server's default (INFORMATION_REQUEST_DUE_DAYS). */
  dueDate?: string;
  /** approve only: per open flag not seen, the note that acknowledges it (absent: not acknowledged). */
  acknowledgements?: Record<string, string>;
}

/** An open flag as the form shows it: what it is, and which of its photos the reviewer has not opened. */
export interface EvidenceFlag {
  checkId: string;
  label: string;
  reason: string;
  /** Names of its photos not opened yet ("Photo 2 (side.jpg)"). */
  unseenPhotos: string[];
  /** Every photo opened: nothing to acknowledge. */
  seen: boolean;
}

export const ACKNOWLEDGEMENT_MIN_LENGTH = 10;
export const ACKNOWLEDGEMENT_MAX_LENGTH = 2000;

/** What the form submits; `message` and `dueAt` only with request_info. */
export interface DecisionSubmission {
  outcome: Outcome;
  reasonCode: string;
  note: string;
  message?: string;
  dueAt?: string;
  acknowledgements?: Array<{ checkId: string; note: string }>;
}

export const MESSAGE_MIN_LENGTH = 10;
export const MESSAGE_MAX_LENGTH = 2000;

export type DecisionErrors = Partial<Record<keyof DecisionValues, string>>;

/** approve over open flags: each flag not seen needs an acknowledgement with a note (the server checks again). */
function acknowledgementError(values: DecisionValues, flags: EvidenceFlag[]): string | undefined {
  if (values.outcome !== 'approve') return undefined;
  const open = flags.filter((flag) => !flag.seen);
  const missing = open.filter((flag) => values.acknowledgements?.[flag.checkId] === undefined);
  if (missing.length > 0)
    return `Open the flagged photos not seen yet, or acknowledge ${missing.length === 1 ? 'the flag' : 'each flag'} with a note: ${missing.map((flag) => flag.label).join(', ')}.`;
  const short = open.find(
    (flag) => (values.acknowledgements?.[flag.checkId] ?? '').trim().length < ACKNOWLEDGEMENT_MIN_LENGTH,
  );
  if (short) return `The note acknowledging ${short.label} needs at least ${ACKNOWLEDGEMENT_MIN_LENGTH} characters.`;
  const long = open.find(
    (flag) => (values.acknowledgements?.[flag.checkId] ?? '').trim().length > ACKNOWLEDGEMENT_MAX_LENGTH,
  );
  if (long) return `The note acknowledging ${long.label} may have at most ${ACKNOWLEDGEMENT_MAX_LENGTH} characters.`;
  return undefined;
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  approve: 'Approve',
  deny: 'Deny',
  request_info: 'Request information',
  escalate: 'Escalate',
};
const OUTCOME_KEYS: Record<Outcome, string> = { approve: 'a', deny: 'd', request_info: 'i', escalate: 'e' };

export function validateDecision(
  values: DecisionValues,
  catalogue: ReasonCatalogue,
  flags: EvidenceFlag[] = [],
): DecisionErrors {
  const errors: DecisionErrors = {};
  const acknowledgements = acknowledgementError(values, flags);
  if (acknowledgements) errors.acknowledgements = acknowledgements;
  if (!values.outcome) errors.outcome = 'Choose an outcome.';
  const codes = catalogue.outcomes.find((entry) => entry.outcome === values.outcome)?.reasonCodes ?? [];
  if (!values.reasonCode) errors.reasonCode = 'Choose a reason code.';
  else if (values.outcome && !codes.some((code) => code.code === values.reasonCode))
    errors.reasonCode = 'This reason code does not belong to the chosen outcome.';
  const note = values.note.trim();
  if (note.length === 0) errors.note = 'Write a note: say why.';
  else if (note.length < catalogue.noteMinLength)
    errors.note = `The note needs at least ${catalogue.noteMinLength} characters (now ${note.length}).`;
  else if (note.length > 5000) errors.note = 'The note may have at most 5000 characters.';
  if (values.outcome === 'request_info') {
    const message = (values.message ?? '').trim();
    if (message.length === 0) errors.message = 'Write the message for the claimant: what should they send?';
    else if (message.length < MESSAGE_MIN_LENGTH)
      errors.message = `The message needs at least ${MESSAGE_MIN_LENGTH} characters (now ${message.length}).`;
    else if (message.length > MESSAGE_MAX_LENGTH)
      errors.message = `The message may have at most ${MESSAGE_MAX_LENGTH} characters.`;
    if (values.dueDate && !/^\d{4}-\d{2}-\d{2}$/.test(values.dueDate)) errors.dueDate = 'Choose a valid date.';
  }
  return errors;
}

export interface DecisionFormProps {
  catalogue: ReasonCatalogue;
  outcomes: Outcome[];
  submitLabel?: string;
  busy?: boolean;
  /** A message from the server (e.g. the conflict message), shown above the button. */
  serverError?: string | null;
  onSubmit: (values: DecisionSubmission) => void | Promise<void>;
  /** Enable the single-key outcome shortcuts (a, d, i, e) while the page shows this form. */
  shortcuts?: boolean;
  /** The open flags and what the reviewer has seen of them (decide on evidence); absent: not checked here. */
  evidence?: EvidenceFlag[];
}

export function DecisionForm({
  catalogue,
  outcomes,
  submitLabel = 'Submit decision',
  busy = false,
  serverError,
  onSubmit,
  shortcuts = true,
  evidence = [],
}: DecisionFormProps) {
  const [values, setValues] = useState<DecisionValues>({ outcome: '', reasonCode: '', note: '' });
  const [errors, setErrors] = useState<DecisionErrors>({});
  const [touched, setTouched] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const codes = catalogue.outcomes.find((entry) => entry.outcome === values.outcome)?.reasonCodes ?? [];

  const set = (patch: Partial<DecisionValues>) => {
    const next = { ...values, ...patch };
    if (patch.outcome !== undefined && patch.outcome !== values.outcome) next.reasonCode = '';
    setValues(next);
    if (touched) setErrors(validateDecision(next, catalogue, evidence));
  };

  useEffect(() => {
    if (!shortcuts) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (
        target &&
        ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) &&
        (target as HTMLInputElement).type !== 'radio'
      )
        return;
      const outcome = outcomes.find((candidate) => OUTCOME_KEYS[candidate] === event.key);
      if (!outcome) return;
      event.preventDefault();
      setValues((current) => ({
        ...current,
        outcome,
        reasonCode: current.outcome === outcome ? current.reasonCode : '',
      }));
      formRef.current?.querySelector<HTMLSelectElement>('select[name="reasonCode"]')?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [outcomes, shortcuts]);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    setTouched(true);
    const found = validateDecision(values, catalogue, evidence);
    setErrors(found);
    const first = (['outcome', 'acknowledgements', 'reasonCode', 'note', 'message', 'dueDate'] as const).find(
      (field) => found[field],
    );
    if (first) {
      const selector = {
        outcome: 'input[name="outcome"]',
        acknowledgements: '[data-evidence-first]',
        reasonCode: 'select[name="reasonCode"]',
        note: 'textarea[name="note"]',
        message: 'textarea[name="message"]',
        dueDate: 'input[name="dueDate"]',
      }[first];
      formRef.current?.querySelector<HTMLElement>(selector)?.focus();
      return;
    }
    const submission: DecisionSubmission = {
      outcome: values.outcome as Outcome,
      reasonCode: values.reasonCode,
      note: values.note.trim(),
    };
    if (values.outcome === 'approve') {
      const acknowledged = evidence
        .filter((flag) => !flag.seen && values.acknowledgements?.[flag.checkId] !== undefined)
        .map((flag) => ({ checkId: flag.checkId, note: (values.acknowledgements?.[flag.checkId] ?? '').trim() }));
      if (acknowledged.length > 0) submission.acknowledgements = acknowledged;
    }
    if (values.outcome === 'request_info') {
      submission.message = (values.message ?? '').trim();
      if (values.dueDate) submission.dueAt = values.dueDate;
    }
    void onSubmit(submission);
  };

  return (
    <form ref={formRef} className="decision-form" onSubmit={submit} noValidate aria-label="Decision">
      <fieldset aria-describedby={errors.outcome ? 'outcome-error' : undefined}>
        <legend>Outcome</legend>
        <div className="outcomes">
          {outcomes.map((outcome) => (
            <label key={outcome} className={`outcome outcome--${outcome}`}>
              <input
                type="radio"
                name="outcome"
                value={outcome}
                checked={values.outcome === outcome}
                onChange={() => set({ outcome })}
              />
              {OUTCOME_LABELS[outcome]} <kbd aria-hidden="true">{OUTCOME_KEYS[outcome]}</kbd>
            </label>
          ))}
        </div>
        {errors.outcome && (
          <p id="outcome-error" className="field-error" role="alert">
            {errors.outcome}
          </p>
        )}
      </fieldset>
      {values.outcome === 'approve' && evidence.length > 0 && (
        <EvidenceChecklist
          flags={evidence}
          acknowledgements={values.acknowledgements ?? {}}
          error={errors.acknowledgements}
          onChange={(acknowledgements) => set({ acknowledgements })}
        />
      )}
      <label htmlFor="reasonCode">Reason code</label>
      <select
        id="reasonCode"
        name="reasonCode"
        value={values.reasonCode}
        onChange={(event) => set({ reasonCode: event.target.value })}
        aria-invalid={errors.reasonCode ? true : undefined}
        aria-describedby={errors.reasonCode ? 'reason-error' : undefined}
        required
      >
        <option value="">{values.outcome ? 'Choose a reason…' : 'Choose an outcome first'}</option>
        {codes.map((code) => (
          <option key={code.code} value={code.code}>
            {code.label || label(code.code)}
          </option>
        ))}
      </select>
      {errors.reasonCode && (
        <p id="reason-error" className="field-error" role="alert">
          {errors.reasonCode}
        </p>
      )}
      <label htmlFor="note">Note (at least {catalogue.noteMinLength} characters)</label>
      <textarea
        id="note"
        name="note"
        rows={4}
        value={values.note}
        onChange={(event) => set({ note: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
        }}
        aria-invalid={errors.note ? true : undefined}
        aria-describedby={`note-help${errors.note ? ' note-error' : ''}`}
        required
      />
      <p id="note-help" className="help">
        Kept with the decision. Ctrl+Enter submits.
      </p>
      {errors.note && (
        <p id="note-error" className="field-error" role="alert">
          {errors.note}
        </p>
      )}
      {values.outcome === 'request_info' && (
        <fieldset className="information-request" aria-label="Information request">
          <legend>Information request</legend>
          <label htmlFor="message">Message for the claimant</label>
          <textarea
            id="message"
            name="message"
            rows={3}
            value={values.message ?? ''}
            onChange={(event) => set({ message: event.target.value })}
            aria-invalid={errors.message ? true : undefined}
            aria-describedby={`message-help${errors.message ? ' message-error' : ''}`}
            required
          />
          <p id="message-help" className="help">
            Shown to the claimant as written (your note above is not). Say what to send.
          </p>
          {errors.message && (
            <p id="message-error" className="field-error" role="alert">
              {errors.message}
            </p>
          )}
          <label htmlFor="dueDate">Answer due by</label>
          <input
            id="dueDate"
            name="dueDate"
            type="date"
            value={values.dueDate ?? ''}
            onChange={(event) => set({ dueDate: event.target.value })}
            aria-invalid={errors.dueDate ? true : undefined}
            aria-describedby={`due-help${errors.dueDate ? ' due-error' : ''}`}
          />
          <p id="due-help" className="help">
            Empty: the default period. Without an answer by then the task comes back marked no response.
          </p>
          {errors.dueDate && (
            <p id="due-error" className="field-error" role="alert">
              {errors.dueDate}
            </p>
          )}
        </fieldset>
      )}
      {serverError && (
        <div className="alert alert--error" role="alert" data-testid="decision-error">
          {serverError}
        </div>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}

/** Approving over open flags: what is still unseen, and a note per flag to acknowledge it instead. */
function EvidenceChecklist({
  flags,
  acknowledgements,
  error,
  onChange,
}: {
  flags: EvidenceFlag[];
  acknowledgements: Record<string, string>;
  error?: string;
  onChange: (next: Record<string, string>) => void;
}) {
  const open = flags.filter((flag) => !flag.seen);
  let firstMarked = false;
  const marker = () => {
    if (firstMarked) return {};
    firstMarked = true;
    return { 'data-evidence-first': true };
  };
  return (
    <fieldset
      className="evidence-checklist"
      aria-describedby={error ? 'evidence-error' : undefined}
      data-testid="evidence-checklist"
    >
      <legend>Evidence before approving</legend>
      {open.length === 0 ? (
        <p className="help">You opened every flagged photo.</p>
      ) : (
        <p className="help">
          Open each flagged photo (click it to open the viewer), or acknowledge the flag with a note saying why the
          photo need not be opened.
        </p>
      )}
      <ul>
        {flags.map((flag) => {
          const acknowledged = acknowledgements[flag.checkId] !== undefined;
          const id = `ack-${flag.checkId}`;
          return (
            <li key={flag.checkId} data-testid="evidence-flag">
              <strong>{flag.label}</strong>: {flag.reason}{' '}
              {flag.seen ? (
                <span className="badge badge--clear">Photos opened</span>
              ) : (
                <>
                  <span className="badge badge--uncertain" data-testid="unseen-photos">
                    Not opened: {flag.unseenPhotos.join(', ') || 'no photo to open'}
                  </span>
                  <label className="inline">
                    <input
                      type="checkbox"
                      checked={acknowledged}
                      onChange={(event) => {
                        const next = { ...acknowledgements };
                        if (event.target.checked) next[flag.checkId] = '';
                        else delete next[flag.checkId];
                        onChange(next);
                      }}
                      {...marker()}
                    />{' '}
                    Acknowledge without opening
                  </label>
                  {acknowledged && (
                    <>
                      <label htmlFor={id}>Why this flag needs no photo opened</label>
                      <textarea
                        id={id}
                        name={id}
                        rows={2}
                        value={acknowledgements[flag.checkId]}
                        onChange={(event) => onChange({ ...acknowledgements, [flag.checkId]: event.target.value })}
                      />
                    </>
                  )}
                </>
              )}
            </li>
          );
        })}
      </ul>
      {error && (
        <p id="evidence-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
