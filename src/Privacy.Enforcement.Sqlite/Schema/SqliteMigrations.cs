using Privacy.Enforcement.Relational;

namespace Privacy.Enforcement.Sqlite;

/// <summary>The SQLite schema, as numbered migrations applied in order; a released migration is never edited.</summary>
internal static class SqliteMigrations
{
    public static readonly Migration[] All =
    [
        new(1, "Initial schema", """
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
                payload TEXT NOT NULL);
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

            CREATE TABLE pe_audit_events (sequence INTEGER PRIMARY KEY, payload TEXT NOT NULL);
            CREATE TABLE pe_audit_checkpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT, size INTEGER NOT NULL, payload TEXT NOT NULL);
            """),
        new(2, "Subject-rights requests, legal holds and subject keys", """
            CREATE TABLE pe_subject_rights_requests (
                id TEXT PRIMARY KEY,
                subject_id TEXT NOT NULL,
                kind INTEGER NOT NULL,
                scope_key TEXT NOT NULL,
                is_open INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                deadline INTEGER NOT NULL,
                row_version INTEGER NOT NULL,
                payload TEXT NOT NULL);
            -- scope_key is a SHA-256 of the scope, so the index that makes duplicate open requests impossible stays small.
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

            ALTER TABLE pe_engagements ADD COLUMN obligation_emitted INTEGER NOT NULL DEFAULT 0;
            UPDATE pe_engagements SET obligation_emitted = 1 WHERE json_extract(payload, '$.ObligationEmittedAt') IS NOT NULL;
            CREATE INDEX ix_pe_engagements_next_end ON pe_engagements (effective_end) WHERE deletion_confirmed = 0 AND obligation_emitted = 0;
            """),

        // The audit trail's head hash (appends of several instances compare against it) and the columns audit queries
        // filter on, filled from each stored event's JSON; occurred_at is Unix milliseconds (UTC).
        new(3, "Audit head hash and indexed query columns", """
            ALTER TABLE pe_audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
            ALTER TABLE pe_audit_events ADD COLUMN kind TEXT NOT NULL DEFAULT '';
            ALTER TABLE pe_audit_events ADD COLUMN occurred_at INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE pe_audit_events ADD COLUMN subject_pseudonym TEXT NULL;
            ALTER TABLE pe_audit_events ADD COLUMN recipient TEXT NULL;
            UPDATE pe_audit_events SET
                hash = COALESCE(json_extract(payload, '$.Hash'), ''),
                kind = COALESCE(json_extract(payload, '$.Kind'), ''),
                occurred_at = CAST(round((julianday(json_extract(payload, '$.Timestamp')) - 2440587.5) * 86400000.0) AS INTEGER),
                subject_pseudonym = json_extract(payload, '$.SubjectPseudonym'),
                recipient = json_extract(payload, '$.Recipient');
            CREATE INDEX ix_pe_audit_events_subject ON pe_audit_events (subject_pseudonym, kind, sequence);
            CREATE INDEX ix_pe_audit_events_recipient ON pe_audit_events (recipient, kind, sequence);
            CREATE INDEX ix_pe_audit_events_kind ON pe_audit_events (kind, sequence);
            CREATE INDEX ix_pe_audit_events_time ON pe_audit_events (occurred_at);
            """),

        // store.subject-delete: an erased subject's closed requests keep a keyed hash of its id instead of the id, under
        // a key the store generates once (the one row of pe_subject_rights_secret). Requests already stored for
        // completed erasures are sealed here, in C#, because SQLite has no HMAC.
        new(4, "Erased subjects' requests sealed under a keyed hash", """
            ALTER TABLE pe_subject_rights_requests ADD COLUMN subject_hash TEXT NULL;
            CREATE INDEX ix_pe_subject_rights_requests_hash ON pe_subject_rights_requests (subject_hash, received_at, id) WHERE subject_hash IS NOT NULL;
            CREATE TABLE pe_subject_rights_secret (id INTEGER PRIMARY KEY CHECK (id = 1), hash_key BLOB NOT NULL);
            """,
            static (connection, transaction, cancellationToken) => RelationalSubjectRightsRequestStore.SealCompletedErasuresAsync(connection, transaction, new SqliteDialect(), cancellationToken)),

        // The standard taxonomy takes the fideslang keys (user.contact.phone -> user.contact.phone_number...): stored
        // facts are rewritten; user.sensitive, which fideslang has no key for, becomes both categories it grouped.
        new(5, "Stored facts carry the standard taxonomy's fideslang category ids", CategoryIdMigration.RenameSql(""),
            static (connection, transaction, cancellationToken) => CategoryIdMigration.ExpandGroupingsAsync(connection, transaction, "", cancellationToken)),

        // The append transaction keeps only the primary key: the columns queries filter on are copied behind the head into
        // pe_audit_index (one row per event, written after the append commits), whose indexes answer the queries; the
        // events past its newest row are read on the key. The events stored so far are indexed here.
        new(6, "Audit query indexes moved behind the head", """
            DROP INDEX ix_pe_audit_events_subject;
            DROP INDEX ix_pe_audit_events_recipient;
            DROP INDEX ix_pe_audit_events_kind;
            DROP INDEX ix_pe_audit_events_time;
            CREATE TABLE pe_audit_index (
                sequence INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                occurred_at INTEGER NOT NULL,
                subject_pseudonym TEXT NULL,
                recipient TEXT NULL);
            INSERT INTO pe_audit_index (sequence, kind, occurred_at, subject_pseudonym, recipient)
                SELECT sequence, kind, occurred_at, subject_pseudonym, recipient FROM pe_audit_events WHERE sequence > 0 ORDER BY sequence;
            CREATE INDEX ix_pe_audit_index_subject ON pe_audit_index (subject_pseudonym, kind, sequence);
            CREATE INDEX ix_pe_audit_index_recipient ON pe_audit_index (recipient, kind, sequence);
            CREATE INDEX ix_pe_audit_index_kind ON pe_audit_index (kind, sequence);
            CREATE INDEX ix_pe_audit_index_time ON pe_audit_index (occurred_at);
            """),

        // The chain columns the shared relational statements name (the PostgreSQL store keeps one chain per writer). A
        // SQLite file has one writer at a time, so its trail stays one chain, 0: the primary key stays the sequence.
        new(7, "Audit trail chains, one per writer", """
            ALTER TABLE pe_audit_events ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE pe_audit_checkpoints ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE pe_audit_chains (chain INTEGER PRIMARY KEY CHECK (chain > 0), registered_at INTEGER NOT NULL);
            ALTER TABLE pe_audit_index ADD COLUMN chain INTEGER NOT NULL DEFAULT 0;
"""),
    ];
}
