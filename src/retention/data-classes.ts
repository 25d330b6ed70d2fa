import type { DataClass } from './retention.entity';

/**
 * What every column of the schema holds, and — for claim data that must not outlive its retention —
 * which owner's repository method purges or redacts it. A test against a migrated database
 * (test/data-classes.e2e-spec.ts) fails when a table or column exists that this map does not declare
 * (or the map declares one that does not exist), and when a `personal` or `evidence` column names no
 * purge, or names a method its owner does not have. A new personal-data column cannot be missed by
 * the retention purge silently: whoever adds it must say here how it goes.
 *
 * - `personal`: data about the claimant (a data subject of the claim): purged or redacted by retention
 *   and erasure requests.
 * - `evidence`: the photo evidence and what was derived from it (content, hashes, embeddings, scores).
 * - `account`: data about staff users and API clients; it follows the account's lifecycle (disable,
 *   revoke), not a claim's retention.
 * - `secret`: password hashes, key hashes, wrapped keys: never shown, never logged.
 * - `operational`: identifiers, states, timestamps, configuration, and the insurer's own claim record.
 * - `audit`: the append-only audit trail and the compliance records of purges and erasures; kept by
 *   design (it holds no content, only who did what).
 */
export type ColumnClass = 'personal' | 'evidence' | 'account' | 'secret' | 'operational' | 'audit';

/** Repositories (and the blob store) that purge rows of their own tables. */
export type PurgeOwner =
  | 'ClaimsRepository'
  | 'PhotosRepository'
  | 'ChecksRepository'
  | 'BlobStore'
  | 'WebhookEventsRepository'
  | 'GovernanceRepository';

export interface PurgeRule {
  /** The retention data class under which the column goes (src/retention/README.md). */
  dataClass: DataClass;
  /** `Owner.method` that removes or redacts it; `ClaimsRepository.purge` when it goes with the claim (cascade). */
  by: `${PurgeOwner}.${string}`;
}

export interface ColumnRule {
  class: ColumnClass;
  purge?: PurgeRule;
}

const op: ColumnRule = { class: 'operational' };
const audit: ColumnRule = { class: 'audit' };
const account: ColumnRule = { class: 'account' };
const secret: ColumnRule = { class: 'secret' };
/** Evidence that stays while the claim record does, and goes with it (ON DELETE CASCADE from claims). */
const evidenceWithClaim: ColumnRule = {
  class: 'evidence',
  purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' },
};
const scores: ColumnRule = {
  class: 'evidence',
  purge: { dataClass: 'embeddings_scores', by: 'ChecksRepository.purgeScores' },
};

const governanceScores: ColumnRule = {
  class: 'evidence',
  purge: { dataClass: 'embeddings_scores', by: 'GovernanceRepository.purgeScores' },
};

export const DATA_CLASS_MAP: Record<string, Record<string, ColumnRule>> = {
  claims: {
    id: op,
    policy_id: op,
    submitter_client_id: op,
    external_reference: op,
    claimed_peril: op,
    description: {
      class: 'personal',
      purge: { dataClass: 'claim_records', by: 'ClaimsRepository.redactPersonalData' },
    },
    incident_date: op,
    amount: op,
    currency: op,
    claimant_ref: {
      class: 'personal',
      purge: { dataClass: 'claim_records', by: 'ClaimsRepository.redactPersonalData' },
    },
    photo_source: op,
    status: op,
    team: op,
    legal_hold: op,
    idempotency_key: op,
    request_hash: op,
    submitted_at: op,
    decided_at: op,
    closed_at: op,
    created_at: op,
    updated_at: op,
    version: op,
  },
  photos: {
    id: op,
    claim_id: op,
    sha256: evidenceWithClaim,
    perceptual_hash: evidenceWithClaim,
    crop_hashes: evidenceWithClaim,
    width: op,
    height: op,
    mime: op,
    byte_size: op,
    /** The uploader's file name may name a person: it goes with the claim record. */
    file_name: { class: 'personal', purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' } },
    exif: { class: 'personal', purge: { dataClass: 'exif_gps', by: 'PhotosRepository.purgeExifGps' } },
    gps_ciphertext: { class: 'personal', purge: { dataClass: 'exif_gps', by: 'PhotosRepository.purgeExifGps' } },
    original_blob_key: op,
    preview_blob_key: op,
    thumbnail_blob_key: op,
    /** Destroying it makes every blob and sealed field of the photo unreadable (crypto-shredding). */
    wrapped_data_key: { class: 'secret', purge: { dataClass: 'original_photos', by: 'PhotosRepository.shredDataKey' } },
    key_version: op,
    embedding: { class: 'evidence', purge: { dataClass: 'embeddings_scores', by: 'PhotosRepository.purgeEmbeddings' } },
    embedding_model_hash: op,
    shredded_at: op,
    created_at: op,
  },
  blobs: {
    key: op,
    /** Sealed photo bytes (original, preview, thumbnail) when BLOB_STORE=postgres. */
    data: { class: 'evidence', purge: { dataClass: 'original_photos', by: 'BlobStore.delete' } },
    created_at: op,
  },
  scoring_runs: {
    id: op,
    claim_id: op,
    model_id: op,
    model_hash: op,
    prompt_set_version: op,
    thresholds: op,
    scores,
    provider: op,
    duration_ms: op,
    outcome: op,
    created_at: op,
  },
  checks: {
    id: op,
    claim_id: op,
    scoring_run_id: op,
    photo_id: op,
    kind: op,
    score: scores,
    confidence: scores,
    flagged: op,
    uncertain: op,
    severity: op,
    reason: op,
    evidence: scores,
    created_at: op,
  },
  check_thresholds: {
    id: op,
    line_of_business: op,
    kind: op,
    flag_at: op,
    uncertain_from: op,
    updated_by: op,
    updated_at: op,
  },
  threshold_calibrations: {
    id: op,
    model_hash: op,
    prompt_set_version: op,
    line_of_business: op,
    version: op,
    thresholds: op,
    source: op,
    method: op,
    note: op,
    rolled_back_to: op,
    created_by: op,
    created_at: op,
  },
  text_embeddings: { model_hash: op, text_sha256: op, text: op, embedding: op, created_at: op },
  review_tasks: {
    id: op,
    claim_id: op,
    reason: op,
    priority: op,
    sla_due_at: op,
    team: op,
    assignee_id: op,
    status: op,
    created_at: op,
    updated_at: op,
    version: op,
    escalated_at: op,
    follow_up: op,
    reopened_at: op,
  },
  /** Information requests (src/review/README.md): the reviewer's message and the intake system's note are free text. */
  information_requests: {
    id: op,
    claim_id: op,
    task_id: op,
    decision_id: op,
    reason_code: op,
    /** Written for the claimant, it may name them: it goes with the claim record (cascade from claims). */
    message: { class: 'personal', purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' } },
    due_at: op,
    requested_by: op,
    requested_at: op,
    known_photo_ids: op,
    status: op,
    /** The claimant's answer in words: it goes with the claim record (cascade from claims). */
    response_note: { class: 'personal', purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' } },
    new_photo_ids: op,
    answered_at: op,
    closed_at: op,
    created_at: op,
  },
  decisions: {
    id: op,
    task_id: op,
    claim_id: op,
    outcome: op,
    reason_code: op,
    /** A reviewer's free text about the claim may mention the claimant: it goes with the claim record. */
    note: { class: 'personal', purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' } },
    reviewer_id: op,
    agrees_with_model: op,
    overrides_decision_id: op,
    created_at: op,
    seq: op,
    /** Per acknowledged flag: check id, kind, photo and the reviewer's note (free text, like `note`). */
    acknowledgements: { class: 'personal', purge: { dataClass: 'claim_records', by: 'ClaimsRepository.purge' } },
  },
  /** Who opened which photo (src/review/photo-views.repository.ts): the decide-on-evidence rule reads it. */
  photo_views: {
    photo_id: op,
    user_id: op,
    claim_id: op,
    first_viewed_at: op,
    last_viewed_at: op,
    view_count: op,
  },
  policies: {
    id: op,
    number: op,
    line_of_business: op,
    insured_object: op,
    jurisdiction: op,
    effective_from: op,
    effective_to: op,
    created_by_client_id: op,
    created_at: op,
  },
  clauses: {
    id: op,
    policy_id: op,
    code: op,
    kind: op,
    text: op,
    peril_key: op,
    prompts: op,
    prompt_version: op,
  },
  audit_events: {
    seq: audit,
    occurred_at: audit,
    actor_type: audit,
    actor_id: audit,
    action: audit,
    resource_type: audit,
    resource_id: audit,
    request_id: audit,
    source_ip: audit,
    justification: audit,
    details: audit,
    prev_hash: audit,
    hash: audit,
    leaf_hash: audit,
    tx_id: audit,
  },
  audit_log_entries: { log_index: audit, seq: audit },
  audit_tree_nodes: { level: audit, idx: audit, hash: audit },
  audit_tree_heads: {
    id: audit,
    tree_size: audit,
    root_hash: audit,
    signed_at: audit,
    key_name: audit,
    key_id: audit,
    note: audit,
  },
  audit_cosignatures: {
    id: audit,
    tree_head_id: audit,
    tree_size: audit,
    witness_name: audit,
    key_id: audit,
    cosigned_at: audit,
    line: audit,
    received_at: audit,
  },
  audit_sequencer_lease: { id: op, holder: op, expires_at: op, sequenced_below_tx: op },
  audit_checkpoints: {
    seq: audit,
    head_hash: audit,
    signed_at: audit,
    key_id: audit,
    public_key: audit,
    signature: audit,
  },
  users: {
    id: op,
    email: account,
    display_name: account,
    password_hash: secret,
    role: op,
    team: op,
    disabled_at: op,
    created_at: op,
    updated_at: op,
    session_generation: op,
    last_login_at: account,
    created_by: account,
    totp_wrapped_secret: secret,
    totp_key_version: op,
    totp_enabled_at: account,
    totp_last_step: op,
  },
  mfa_recovery_codes: { id: op, user_id: op, code_hash: secret, used_at: op, created_at: op },
  password_reset_tokens: {
    id: op,
    user_id: op,
    token_hash: secret,
    expires_at: op,
    used_at: op,
    created_by: account,
    created_at: op,
  },
  api_clients: { id: op, name: account, team: op, revoked_at: op, created_at: op },
  api_keys: { id: op, client_id: op, prefix: op, key_hash: secret, expires_at: op, revoked_at: op, created_at: op },
  refresh_tokens: {
    id: op,
    user_id: op,
    family_id: op,
    token_hash: secret,
    expires_at: op,
    used_at: op,
    revoked_at: op,
    created_at: op,
  },
  retention_policies: {
    id: op,
    data_class: op,
    line_of_business: op,
    jurisdiction: op,
    period_days: op,
    trigger: op,
    action: op,
    active: op,
    created_by: op,
    created_at: op,
    policy_key: op,
    version: op,
    effective_from: op,
    effective_until: op,
    ended_reason: op,
    change_id: op,
  },
  /** Proposed retention changes awaiting (or past) a second compliance officer's decision. */
  retention_policy_changes: {
    id: op,
    kind: op,
    policy_key: op,
    base_policy_id: op,
    data_class: op,
    line_of_business: op,
    jurisdiction: op,
    period_days: op,
    trigger: op,
    action: op,
    effective_from: op,
    reason: op,
    shortening: op,
    status: op,
    proposed_by: op,
    proposed_at: op,
    decided_by: op,
    decided_at: op,
    decision_note: op,
    policy_id: op,
  },
  /** A staff user's saved audit searches: follow the account. */
  audit_saved_searches: {
    id: account,
    user_id: account,
    name: account,
    filters: account,
    created_at: account,
  },
  legal_holds: {
    id: op,
    claim_id: op,
    reason: op,
    placed_by: op,
    placed_at: op,
    released_by: op,
    released_at: op,
    release_reason: op,
  },
  purge_receipts: {
    id: audit,
    claim_id: audit,
    data_class: audit,
    policy_id: audit,
    erasure_request_id: audit,
    purged_at: audit,
    details: audit,
  },
  erasure_requests: {
    id: audit,
    /** The data subject's reference is the request itself: kept as the record that the request was honoured. */
    claimant_ref: audit,
    status: audit,
    requested_by: audit,
    requested_at: audit,
    completed_at: audit,
    outcome: audit,
    received_at: audit,
    due_at: audit,
    rejection_reason: audit,
  },
  key_rotations: {
    id: op,
    target_version: op,
    added_version: op,
    rewrapped: op,
    failed: op,
    started_at: op,
    updated_at: op,
    completed_at: op,
  },
  /** Webhook endpoints belong to an API client (account), their signing key is wrapped by the master key. */
  webhook_endpoints: {
    id: op,
    client_id: account,
    url: account,
    events: account,
    enabled: op,
    wrapped_secret: secret,
    secret_key_version: op,
    previous_wrapped_secret: secret,
    previous_secret_key_version: op,
    previous_secret_expires_at: op,
    failing_since: op,
    last_error: op,
    last_success_at: op,
    disabled_at: op,
    disabled_reason: op,
    created_at: op,
    updated_at: op,
  },
  /** The webhook outbox: the payload may hold the message written for the claimant (information requests). */
  webhook_events: {
    id: op,
    type: op,
    claim_id: op,
    client_id: op,
    payload: {
      class: 'personal',
      purge: { dataClass: 'claim_records', by: 'WebhookEventsRepository.redactPayloadsOfClaim' },
    },
    occurred_at: op,
    dispatched_at: op,
  },
  webhook_deliveries: {
    id: op,
    event_id: op,
    endpoint_id: op,
    status: op,
    attempts: op,
    next_attempt_at: op,
    delivered_at: op,
    created_at: op,
  },
  /** The delivery log: status codes, latency, error class and a 256-character excerpt of the receiver's answer. */
  webhook_delivery_attempts: {
    id: op,
    delivery_id: op,
    attempt: op,
    trigger: op,
    attempted_at: op,
    status_code: op,
    latency_ms: op,
    error_class: op,
    response_excerpt: op,
  },
  /** A challenger model's scores of live claims (src/governance): scores like the champion's checks. */
  shadow_scores: {
    id: op,
    claim_id: op,
    scoring_run_id: op,
    model_id: op,
    model_hash: op,
    champion_model_hash: op,
    checks: governanceScores,
    outcome: op,
    champion_outcome: op,
    duration_ms: op,
    created_at: op,
  },
  /** Occlusion heatmaps of flagged photos: a grid of score drops, derived from the photo (scores). */
  occlusion_heatmaps: {
    id: op,
    claim_id: op,
    check_id: op,
    photo_id: op,
    model_hash: op,
    target_label: op,
    grid: op,
    status: op,
    drops: governanceScores,
    baseline: governanceScores,
    error: op,
    requested_by: op,
    created_at: op,
    completed_at: op,
  },
  /** Who promoted which model, with the what-if they saw (aggregate counts only). */
  model_promotions: {
    id: op,
    model_id: op,
    model_hash: op,
    previous_model_id: op,
    previous_model_hash: op,
    what_if: op,
    promoted_by: op,
    created_at: op,
  },
  /** TypeORM's record of applied migrations. */
  schema_migrations: { id: op, timestamp: op, name: op },
};
