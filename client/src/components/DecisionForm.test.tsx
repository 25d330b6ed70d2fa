import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReasonCatalogue } from '../api/types';
import { DecisionForm, validateDecision } from './DecisionForm';

afterEach(cleanup);

const catalogue: ReasonCatalogue = {
  noteMinLength: 10,
  outcomes: [
    {
      outcome: 'approve',
      reasonCodes: [{ code: 'evidence_consistent', label: 'The photos show what the claim says' }],
    },
    {
      outcome: 'deny',
      reasonCodes: [
        { code: 'evidence_contradicts_claim', label: 'The photos contradict the claim' },
        { code: 'duplicate_evidence', label: 'Reused photos' },
      ],
    },
    { outcome: 'request_info', reasonCodes: [{ code: 'need_more_photos', label: 'More photos are needed' }] },
    { outcome: 'escalate', reasonCodes: [{ code: 'possible_fraud', label: 'Signs of fraud' }] },
  ],
};

describe('validateDecision', () => {
  it('requires an outcome, a reason code of that outcome and a note of the minimum length', () => {
    expect(validateDecision({ outcome: '', reasonCode: '', note: '' }, catalogue)).toEqual({
      outcome: 'Choose an outcome.',
      reasonCode: 'Choose a reason code.',
      note: 'Write a note: say why.',
    });
    expect(
      validateDecision({ outcome: 'approve', reasonCode: 'duplicate_evidence', note: 'short' }, catalogue),
    ).toEqual({
      reasonCode: 'This reason code does not belong to the chosen outcome.',
      note: 'The note needs at least 10 characters (now 5).',
    });
    expect(
      validateDecision({ outcome: 'deny', reasonCode: 'duplicate_evidence', note: '   padded   ' }, catalogue).note,
    ).toMatch(/at least 10/);
    expect(
      validateDecision(
        { outcome: 'deny', reasonCode: 'duplicate_evidence', note: 'Same photo as claim 123.' },
        catalogue,
      ),
    ).toEqual({});
  });
});

describe('DecisionForm', () => {
  function setup() {
    const onSubmit = vi.fn();
    render(
      <DecisionForm
        catalogue={catalogue}
        outcomes={['approve', 'deny', 'request_info', 'escalate']}
        onSubmit={onSubmit}
      />,
    );
    return onSubmit;
  }

  it('does not submit an empty form, shows every error and focuses the first field', () => {
    const onSubmit = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getAllByRole('alert').map((node) => node.textContent)).toEqual([
      'Choose an outcome.',
      'Choose a reason code.',
      'Write a note: say why.',
    ]);
    expect(document.activeElement).toBe(screen.getByRole('radio', { name: /Approve/ }));
  });

  it('offers only the reason codes of the chosen outcome and resets the code when the outcome changes', () => {
    setup();
    const select = screen.getByLabelText('Reason code') as HTMLSelectElement;
    expect(select.options).toHaveLength(1);
    fireEvent.click(screen.getByRole('radio', { name: /Deny/ }));
    expect([...select.options].map((option) => option.value)).toEqual([
      '',
      'evidence_contradicts_claim',
      'duplicate_evidence',
    ]);
    fireEvent.change(select, { target: { value: 'duplicate_evidence' } });
    expect(select.value).toBe('duplicate_evidence');
    fireEvent.click(screen.getByRole('radio', { name: /Approve/ }));
    expect(select.value).toBe('');
  });

  it('rejects a short note, then submits the trimmed values once valid', () => {
    const onSubmit = setup();
    fireEvent.click(screen.getByRole('radio', { name: /Deny/ }));
    fireEvent.change(screen.getByLabelText('Reason code'), { target: { value: 'evidence_contradicts_claim' } });
    const note = screen.getByLabelText(/Note/);
    fireEvent.change(note, { target: { value: 'too short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('The note needs at least 10 characters (now 9).');
    expect(note.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(note, { target: { value: '  Photos show hail, not a collision.  ' } });
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.keyDown(note, { key: 'Enter', ctrlKey: true });
    expect(onSubmit).toHaveBeenCalledWith({
      outcome: 'deny',
      reasonCode: 'evidence_contradicts_claim',
      note: 'Photos show hail, not a collision.',
    });
  });

  it('request info asks for the claimant message and a due date, and submits them', () => {
    const onSubmit = setup();
    expect(screen.queryByLabelText('Message for the claimant')).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: /Request information/ }));
    fireEvent.change(screen.getByLabelText('Reason code'), { target: { value: 'need_more_photos' } });
    fireEvent.change(screen.getByLabelText(/Note/), { target: { value: 'No photo shows the rear bumper.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Write the message for the claimant: what should they send?');
    expect(document.activeElement).toBe(screen.getByLabelText('Message for the claimant'));
    fireEvent.change(screen.getByLabelText('Message for the claimant'), {
      target: { value: ' Please send a photo of the rear bumper. ' },
    });
    fireEvent.change(screen.getByLabelText('Answer due by'), { target: { value: '2026-03-16' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).toHaveBeenCalledWith({
      outcome: 'request_info',
      reasonCode: 'need_more_photos',
      note: 'No photo shows the rear bumper.',
      message: 'Please send a photo of the rear bumper.',
      dueAt: '2026-03-16',
    });
  });

  it('picks an outcome with its single-key shortcut outside text fields', () => {
    setup();
    fireEvent.keyDown(window, { key: 'i' });
    expect((screen.getByRole('radio', { name: /Request information/ }) as HTMLInputElement).checked).toBe(true);
    expect(document.activeElement).toBe(screen.getByLabelText('Reason code'));
  });

  it('shows the server error it is given', () => {
    render(
      <DecisionForm
        catalogue={catalogue}
        outcomes={['approve']}
        onSubmit={() => undefined}
        serverError="Someone else decided this task."
      />,
    );
    expect(screen.getByTestId('decision-error').textContent).toBe('Someone else decided this task.');
  });
});

describe('DecisionForm: decide on evidence', () => {
  const evidence = [
    { checkId: 'c1', label: 'Duplicate photo', reason: 'Reused.', unseenPhotos: ['Photo 1 (front.jpg)'], seen: false },
    { checkId: 'c2', label: 'No visible damage', reason: 'None.', unseenPhotos: [], seen: true },
  ];

  it('approve shows what is unseen and needs each unseen flag acknowledged with a note', () => {
    const onSubmit = vi.fn();
    render(
      <DecisionForm catalogue={catalogue} outcomes={['approve', 'deny']} onSubmit={onSubmit} evidence={evidence} />,
    );
    fireEvent.click(screen.getByLabelText(/Approve/));
    expect(screen.getByTestId('unseen-photos').textContent).toContain('Photo 1 (front.jpg)');
    fireEvent.change(screen.getByLabelText('Reason code'), { target: { value: 'evidence_consistent' } });
    fireEvent.change(screen.getByLabelText(/^Note/), { target: { value: 'Looked at the whole file.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/acknowledge the flag with a note: Duplicate photo/);

    fireEvent.click(screen.getByLabelText('Acknowledge without opening'));
    fireEvent.change(screen.getByLabelText('Why this flag needs no photo opened'), {
      target: { value: 'Same photo sent twice by the claimant, explained.' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Submit decision' }));
    expect(onSubmit).toHaveBeenCalledWith(
      expect.objectContaining({
        outcome: 'approve',
        acknowledgements: [{ checkId: 'c1', note: 'Same photo sent twice by the claimant, explained.' }],
      }),
    );
  });

  it('deny needs nothing of the evidence checklist', () => {
    expect(
      validateDecision(
        { outcome: 'deny', reasonCode: 'duplicate_evidence', note: 'Same photo as claim 123.' },
        catalogue,
        evidence,
      ),
    ).toEqual({});
  });
});
