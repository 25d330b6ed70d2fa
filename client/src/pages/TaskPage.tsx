import { useState } from 'react';
import { client, getStaffClaim, ApiError, unwrap } from '../api';
import { ClaimEvidence } from '../components/ClaimEvidence';
import { DecisionForm, OUTCOME_LABELS, type DecisionSubmission, type EvidenceFlag } from '../components/DecisionForm';
import { ErrorState, Loading } from '../components/States';
import { setFlash } from '../flash';
import { age, dateTime, label } from '../format';
import { useApi, useSession, useShortcut } from '../hooks';
import { Link, navigate } from '../router';
import type { DecisionView, InformationRequest, Outcome, ReasonCatalogue, TaskView } from '../api/types';
import { claimNext } from './QueuePage';

export const CONFLICT_MESSAGE =
  'Someone else decided or claimed this task since you opened it. Your decision was not saved. Reload the task to see what changed.';

function describeError(error: unknown): string {
  // Approving without the flagged evidence seen is a 409 too: its message says which photos (not a conflict).
  if (error instanceof ApiError && error.status === 409 && /photos you have not opened/.test(error.message))
    return error.message;
  if (error instanceof ApiError && error.status === 409) return CONFLICT_MESSAGE;
  if (error instanceof ApiError && error.status === 403) return `Not allowed: ${error.message}`;
  return error instanceof Error ? error.message : 'Something went wrong.';
}

function Decisions({
  decisions,
  effectiveId,
  catalogue,
}: {
  decisions: DecisionView[];
  effectiveId: string | null;
  catalogue?: ReasonCatalogue;
}) {
  if (decisions.length === 0) return null;
  const reasonLabel = (code: string) =>
    catalogue?.outcomes.flatMap((entry) => entry.reasonCodes).find((entry) => entry.code === code)?.label ??
    label(code);
  return (
    <section className="card" aria-labelledby="decisions-title">
      <h2 id="decisions-title">Decisions</h2>
      <ol className="decisions">
        {decisions.map((decision) => (
          <li key={decision.id} className={decision.id === effectiveId ? 'effective' : undefined}>
            <strong>{OUTCOME_LABELS[decision.outcome]}</strong> — {reasonLabel(decision.reasonCode)}
            {decision.overridesDecisionId && <span className="badge badge--uncertain">Override</span>}
            {decision.id === effectiveId && <span className="badge badge--clear">In effect</span>}
            <div className="muted">
              {decision.reviewerName ?? decision.reviewerId} · {dateTime(decision.createdAt)}
            </div>
            <p className="note">{decision.note}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The task's information request: waiting for the claimant, or what came back (the note, the new photos). */
export function InformationRequestCard({ task, request }: { task: TaskView; request: InformationRequest }) {
  const waiting = task.status === 'awaiting_info';
  return (
    <section className="card" aria-labelledby="info-request-title" data-testid="information-request">
      <h2 id="info-request-title">
        {waiting
          ? 'Information requested'
          : task.followUp === 'no_response'
            ? 'No response to the information request'
            : task.followUp === 'information_received'
              ? 'New since the information request'
              : 'Information request'}
      </h2>
      <dl className="facts">
        <dt>Asked</dt>
        <dd>{dateTime(request.requestedAt)}</dd>
        <dt>Message to the claimant</dt>
        <dd className="note">{request.message}</dd>
        <dt>Due</dt>
        <dd>{dateTime(request.dueAt)}</dd>
        <dt>Status</dt>
        <dd data-testid="information-request-status">{label(request.status)}</dd>
        {request.answeredAt && (
          <>
            <dt>Answered</dt>
            <dd>{dateTime(request.answeredAt)}</dd>
            <dt>New photos</dt>
            <dd data-testid="new-photo-count">{request.newPhotoIds.length}</dd>
            <dt>Note from the intake system</dt>
            <dd className="note" data-testid="response-note">
              {request.responseNote ?? <span className="muted">none</span>}
            </dd>
          </>
        )}
      </dl>
      {waiting && (
        <p className="help">
          Waiting for the claimant. The task comes back to you when the claim is resubmitted and scored again, or marked
          no response after the due date. You may still approve or deny without the answer.
        </p>
      )}
    </section>
  );
}

function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && !/photos you have not opened/.test(error.message);
}

export function TaskPage({ taskId }: { taskId: string }) {
  const session = useSession();
  const detail = useApi(
    (signal) => client.GET('/v1/review/tasks/{id}', { params: { path: { id: taskId } }, signal }),
    [taskId],
  );
  const catalogue = useApi((signal) => client.GET('/v1/review/reason-codes', { signal }), []);
  const claimId = detail.data?.task.claimId;
  const staffClaim = useApi(claimId ? (signal) => getStaffClaim(claimId, signal) : null, [claimId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [formKey, setFormKey] = useState(0);
  const me = session?.user;
  const task = detail.data?.task;
  const canClaim = !!detail.data?.allowed.assign && !!task && task.assigneeId === null && me?.role === 'adjuster';
  const canDecide = !!detail.data && (detail.data.allowed.decide || canClaim);

  const reloadAll = () => {
    setError(null);
    setConflict(false);
    setFormKey((value) => value + 1);
    detail.reload();
  };

  const claim = async () => {
    if (!task || busy) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        client.POST('/v1/review/tasks/{id}/assign', {
          params: { path: { id: task.id } },
          body: { version: task.version },
        }),
      );
      detail.reload();
    } catch (caught) {
      setConflict(caught instanceof ApiError && caught.status === 409);
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };
  useShortcut({ c: () => void (canClaim ? claim() : undefined) }, canClaim);

  const decide = async (values: DecisionSubmission) => {
    if (!task) return;
    setBusy(true);
    setError(null);
    setConflict(false);
    try {
      let version = task.version;
      if (task.assigneeId === null && me?.role === 'adjuster') {
        // Deciding an open task claims it first, quoting the version this page loaded.
        version = (
          await unwrap(
            client.POST('/v1/review/tasks/{id}/assign', { params: { path: { id: task.id } }, body: { version } }),
          )
        ).version;
      }
      await unwrap(
        client.POST('/v1/review/tasks/{id}/decision', {
          params: { path: { id: task.id } },
          body: { ...values, version },
        }),
      );
      // Deciding an escalation keeps a supervisor on escalations: the next one, never first-line work.
      const escalation = task.status === 'escalated';
      const nextId = await claimNext({ escalatedOnly: escalation }).catch(() => null);
      const target = nextId ? `/tasks/${nextId}` : escalation ? '/supervisor' : '/tasks';
      setFlash(
        `Decision saved for ${task.externalReference} (${OUTCOME_LABELS[values.outcome]}).${nextId ? ' Next task opened.' : escalation ? ' No escalation is waiting.' : ' No task is waiting.'}`,
        target,
      );
      navigate(target);
    } catch (caught) {
      setConflict(isConflict(caught));
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  const override = async (values: DecisionSubmission) => {
    if (!task) return;
    setBusy(true);
    setError(null);
    try {
      const outcome = values.outcome as Exclude<Outcome, 'escalate'>;
      await unwrap(
        client.POST('/v1/review/tasks/{id}/override', {
          params: { path: { id: task.id } },
          body: { ...values, outcome, version: task.version },
        }),
      );
      setFlash('Override saved.');
      reloadAll();
    } catch (caught) {
      setConflict(caught instanceof ApiError && caught.status === 409);
      setError(describeError(caught));
    } finally {
      setBusy(false);
    }
  };

  if (detail.error) return <ErrorState error={detail.error} retry={detail.reload} />;
  if (!detail.data || !task) return <Loading what="Loading the task" />;
  const data = detail.data;
  const photosAllowed = me?.role === 'supervisor' || task.assigneeId === me?.id;
  const waiting = task.status === 'awaiting_info';
  const outcomes: Outcome[] = waiting
    ? ['approve', 'deny']
    : me?.role === 'adjuster'
      ? ['approve', 'deny', 'request_info', 'escalate']
      : ['approve', 'deny', 'request_info'];
  const latestRequest = data.informationRequests.at(-1);
  const photos = staffClaim.data?.photos ?? [];
  const photoName = (id: string) => {
    const index = photos.findIndex((photo) => photo.id === id);
    return index < 0 ? 'a destroyed photo' : `Photo ${index + 1} (${photos[index].fileName})`;
  };
  const evidenceFlags: EvidenceFlag[] = data.evidence.flags.map((flag) => {
    const finding = data.claim.findings.find((candidate) => candidate.checkId === flag.checkId);
    return {
      checkId: flag.checkId,
      label: label(flag.kind),
      reason: finding?.reason ?? '',
      unseenPhotos: flag.unseenPhotoIds.map(photoName),
      seen: flag.satisfied,
    };
  });
  const onPhotoViewed = (photoId: string) => {
    if (!data.evidence.viewedPhotoIds.includes(photoId)) detail.reload();
  };
  const newPhotoIds = latestRequest && task.followUp === 'information_received' ? latestRequest.newPhotoIds : [];

  return (
    <div className="task-page">
      <div className="page-head">
        <h1>
          Task for claim {task.externalReference}
          <span className={`badge badge--${task.reason}`}>{label(task.reason)}</span>
          {task.slaBreached && <span className="badge badge--breach">SLA breached</span>}
          {task.followUp === 'no_response' && <span className="badge badge--breach">No response</span>}
          {task.followUp === 'information_received' && (
            <span className="badge badge--uncertain">Information received</span>
          )}
        </h1>
        <Link to="/queue">← Team queue</Link>
      </div>
      <dl className="facts facts--inline">
        <dt>Priority</dt>
        <dd>{task.priority}</dd>
        <dt>Status</dt>
        <dd data-testid="task-status">{label(task.status)}</dd>
        <dt>Assignee</dt>
        <dd>{task.assigneeName ?? 'unassigned'}</dd>
        <dt>SLA due</dt>
        <dd>{dateTime(task.slaDueAt)}</dd>
        <dt>Age</dt>
        <dd>{age(task.ageHours)}</dd>
      </dl>
      <div className="task-layout">
        <div className="task-layout__evidence">
          <ClaimEvidence
            claimId={task.claimId}
            photosAllowed={photosAllowed}
            viewedPhotoIds={photosAllowed ? data.evidence.viewedPhotoIds : undefined}
            unseenPhotoIds={photosAllowed ? data.evidence.unseenPhotoIds : []}
            onPhotoViewed={onPhotoViewed}
            photosHint={
              canClaim ? 'Claim this task to see its photos.' : 'Only the assigned adjuster may see the photos.'
            }
            newPhotoIds={newPhotoIds}
          />
        </div>
        <aside className="task-layout__side" aria-label="Decide">
          {error && conflict && (
            <div className="alert alert--error" role="alert" data-testid="conflict">
              <p>{error}</p>
              <button type="button" onClick={reloadAll}>
                Reload task
              </button>
            </div>
          )}
          {latestRequest && <InformationRequestCard task={task} request={latestRequest} />}
          {canClaim && (
            <section className="card">
              <h2>Unassigned</h2>
              <p>Claim it to see the photos, or decide straight away (deciding claims it for you).</p>
              <button type="button" onClick={() => void claim()} disabled={busy} aria-keyshortcuts="c">
                Claim this task <kbd aria-hidden="true">c</kbd>
              </button>
            </section>
          )}
          {canDecide && catalogue.data && (
            <section className="card" aria-labelledby="decide-title">
              <h2 id="decide-title">Decision</h2>
              <p className="help">
                Shortcuts: a approve, d deny, i request info{me?.role === 'adjuster' ? ', e escalate' : ''}; Ctrl+Enter
                submits.
              </p>
              <DecisionForm
                key={formKey}
                catalogue={catalogue.data}
                outcomes={outcomes}
                busy={busy}
                serverError={conflict ? null : error}
                onSubmit={decide}
                submitLabel={canClaim ? 'Claim and decide' : 'Submit decision'}
                evidence={evidenceFlags}
              />
            </section>
          )}
          {catalogue.error && <ErrorState error={catalogue.error} retry={catalogue.reload} />}
          {!canDecide && task.status !== 'decided' && (
            <p className="muted card">
              {task.assigneeName ? `Assigned to ${task.assigneeName}.` : 'You may not decide this task.'}
            </p>
          )}
          {data.allowed.override && catalogue.data && (
            <section className="card" aria-labelledby="override-title">
              <h2 id="override-title">Override the decision</h2>
              <p className="help">Replaces the decision in effect; the original stays on record. A note is required.</p>
              <DecisionForm
                key={`o${formKey}`}
                catalogue={catalogue.data}
                outcomes={['approve', 'deny', 'request_info']}
                busy={busy}
                serverError={conflict ? null : error}
                onSubmit={override}
                submitLabel="Override"
                evidence={evidenceFlags}
                shortcuts={false}
              />
            </section>
          )}
          <Decisions decisions={data.decisions} effectiveId={data.effectiveDecisionId} catalogue={catalogue.data} />
        </aside>
      </div>
    </div>
  );
}
