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
}

/** What the form submits; `message` and `dueAt` only with request_info. */
export interface DecisionSubmission {
  outcome: Outcome;
  reasonCode: string;
  note: string;
  message?: string;
  dueAt?: string;
}

export const MESSAGE_MIN_LENGTH = 10;
export const MESSAGE_MAX_LENGTH = 2000;

export type DecisionErrors = Partial<Record<keyof DecisionValues, string>>;

export const OUTCOME_LABELS: Record<Outcome, string> = {
  approve: 'Approve',
  deny: 'Deny',
  request_info: 'Request information',
  escalate: 'Escalate',
};
const OUTCOME_KEYS: Record<Outcome, string> = { approve: 'a', deny: 'd', request_info: 'i', escalate: 'e' };

export function validateDecision(values: DecisionValues, catalogue: ReasonCatalogue): DecisionErrors {
  const errors: DecisionErrors = {};
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
}

export function DecisionForm({
  catalogue,
  outcomes,
  submitLabel = 'Submit decision',
  busy = false,
  serverError,
  onSubmit,
  shortcuts = true,
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
    if (touched) setErrors(validateDecision(next, catalogue));
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
    const found = validateDecision(values, catalogue);
    setErrors(found);
    const first = (['outcome', 'reasonCode', 'note', 'message', 'dueDate'] as const).find((field) => found[field]);
    if (first) {
      const selector = {
        outcome: 'input[name="outcome"]',
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
