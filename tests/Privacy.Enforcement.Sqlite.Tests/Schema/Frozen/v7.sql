-- Frozen: the schema of a Privacy.Enforcement.Sqlite database at migration 7, as released. Never edit or regenerate (see README.md).
CREATE TABLE pe_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE pe_consent_facts (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    fact_id TEXT NOT NULL UNIQUE,
    consent_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    payload TEXT NOT NULL);
CREATE INDEX ix_pe_consent_facts_subject ON pe_consent_facts (subject_id, seq);
CREATE INDEX ix_pe_consent_facts_consent ON pe_consent_facts (consent_id, seq);
CREATE TABLE pe_acceptances (seq INTEGER PRIMARY KEY AUTOINCREMENT, subject_id TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX ix_pe_acceptances_subject ON pe_acceptances (subject_id, seq);
CREATE TABLE pe_objections (seq INTEGER PRIMARY KEY AUTOINCREMENT, subject_id TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX ix_pe_objections_subject ON pe_objections (subject_id, seq);
CREATE TABLE pe_engagements (
    id TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL,
    all_subjects INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    effective_end INTEGER NULL,
    deletion_confirmed INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    payload TEXT NOT NULL, obligation_emitted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ix_pe_engagements_provider ON pe_engagements (provider_id);
CREATE INDEX ix_pe_engagements_end ON pe_engagements (effective_end) WHERE deletion_confirmed = 0;
CREATE TABLE pe_engagement_subjects (
    engagement_id TEXT NOT NULL REFERENCES pe_engagements (id) ON DELETE CASCADE,
    subject_id TEXT NOT NULL,
    PRIMARY KEY (subject_id, engagement_id));
CREATE TABLE pe_violations (
    id TEXT PRIMARY KEY,
    violator_id TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    payload TEXT NOT NULL);
CREATE INDEX ix_pe_violations_violator ON pe_violations (violator_id);
CREATE TABLE pe_sanctions (seq INTEGER PRIMARY KEY AUTOINCREMENT, subject_id TEXT NOT NULL, payload TEXT NOT NULL);
CREATE INDEX ix_pe_sanctions_subject ON pe_sanctions (subject_id, seq);
CREATE TABLE pe_pseudonyms (subject_id TEXT PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE);
CREATE TABLE pe_audit_events (sequence INTEGER PRIMARY KEY, payload TEXT NOT NULL, hash TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '', occurred_at INTEGER NOT NULL DEFAULT 0, subject_pseudonym TEXT NULL, recipient TEXT NULL, chain INTEGER NOT NULL DEFAULT 0);
CREATE TABLE pe_audit_checkpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT, size INTEGER NOT NULL, payload TEXT NOT NULL, chain INTEGER NOT NULL DEFAULT 0);
CREATE TABLE pe_subject_rights_requests (
    id TEXT PRIMARY KEY,
    subject_id TEXT NOT NULL,
    kind INTEGER NOT NULL,
    scope_key TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    row_version INTEGER NOT NULL,
    payload TEXT NOT NULL, subject_hash TEXT NULL);
CREATE UNIQUE INDEX ux_pe_subject_rights_requests_open ON pe_subject_rights_requests (subject_id, kind, scope_key) WHERE is_open = 1;
CREATE INDEX ix_pe_subject_rights_requests_subject ON pe_subject_rights_requests (subject_id, received_at, id);
CREATE INDEX ix_pe_subject_rights_requests_deadline ON pe_subject_rights_requests (deadline, id) WHERE is_open = 1;
CREATE TABLE pe_legal_holds (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    subject_id TEXT NOT NULL,
    placed_at INTEGER NOT NULL,
    released_at INTEGER NULL,
    payload TEXT NOT NULL);
CREATE INDEX ix_pe_legal_holds_active ON pe_legal_holds (subject_id, placed_at, seq) WHERE released_at IS NULL;
CREATE TABLE pe_subject_keys (
    subject_id TEXT PRIMARY KEY,
    kek_version INTEGER NOT NULL,
    wrapped_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    created_offset INTEGER NOT NULL);
CREATE INDEX ix_pe_subject_keys_kek ON pe_subject_keys (kek_version);
CREATE INDEX ix_pe_engagements_next_end ON pe_engagements (effective_end) WHERE deletion_confirmed = 0 AND obligation_emitted = 0;
CREATE INDEX ix_pe_subject_rights_requests_hash ON pe_subject_rights_requests (subject_hash, received_at, id) WHERE subject_hash IS NOT NULL;
CREATE TABLE pe_subject_rights_secret (id INTEGER PRIMARY KEY CHECK (id = 1), hash_key BLOB NOT NULL);
CREATE TABLE pe_audit_index (
                sequence INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                occurred_at INTEGER NOT NULL,
                subject_pseudonym TEXT NULL,
                recipient TEXT NULL, chain INTEGER NOT NULL DEFAULT 0);
CREATE INDEX ix_pe_audit_index_subject ON pe_audit_index (subject_pseudonym, kind, sequence);
CREATE INDEX ix_pe_audit_index_recipient ON pe_audit_index (recipient, kind, sequence);
CREATE INDEX ix_pe_audit_index_kind ON pe_audit_index (kind, sequence);
CREATE INDEX ix_pe_audit_index_time ON pe_audit_index (occurred_at);
CREATE TABLE pe_audit_chains (chain INTEGER PRIMARY KEY CHECK (chain > 0), registered_at INTEGER NOT NULL);
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (1, 'Initial schema', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (2, 'Subject-rights requests, legal holds and subject keys', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (3, 'Audit head hash and indexed query columns', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (4, 'Erased subjects'' requests sealed under a keyed hash', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (5, 'Stored facts carry the standard taxonomy''s fideslang category ids', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (6, 'Audit query indexes moved behind the head', '2026-01-01T00:00:00.000Z');
INSERT INTO pe_schema_migrations (version, description, applied_at) VALUES (7, 'Audit trail chains, one per writer', '2026-01-01T00:00:00.000Z');
