using Privacy.Enforcement.Relational;

namespace Privacy.Enforcement.PostgreSql;

/// <summary>The PostgreSQL schema, as numbered migrations applied in order; a released migration is never edited.</summary>
internal static class PostgreSqlMigrations
{
    /// <summary>The migrations for the tables under <paramref name="p"/> (the quoted schema and a dot).</summary>
    public static Migration[] For(string p) =>
    [
        new(1, "Initial schema", $"""
            CREATE TABLE {p}pe_consent_facts (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                fact_id text NOT NULL UNIQUE,
                consent_id text NOT NULL,
                subject_id text COLLATE "C" NOT NULL,
                payload text NOT NULL);
            CREATE INDEX ix_pe_consent_facts_subject ON {p}pe_consent_facts (subject_id, seq);
            CREATE INDEX ix_pe_consent_facts_consent ON {p}pe_consent_facts (consent_id, seq);

            CREATE TABLE {p}pe_acceptances (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subject_id text COLLATE "C" NOT NULL, payload text NOT NULL);
            CREATE INDEX ix_pe_acceptances_subject ON {p}pe_acceptances (subject_id, seq);
            CREATE TABLE {p}pe_objections (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subject_id text COLLATE "C" NOT NULL, payload text NOT NULL);
            CREATE INDEX ix_pe_objections_subject ON {p}pe_objections (subject_id, seq);

            CREATE TABLE {p}pe_engagements (
                id text PRIMARY KEY,
                provider_id text COLLATE "C" NOT NULL,
                all_subjects bigint NOT NULL,
                starts_at bigint NOT NULL,
                effective_end bigint NULL,
                deletion_confirmed bigint NOT NULL,
                row_version bigint NOT NULL,
                payload text NOT NULL);
            CREATE INDEX ix_pe_engagements_provider ON {p}pe_engagements (provider_id);
            CREATE INDEX ix_pe_engagements_end ON {p}pe_engagements (effective_end) WHERE deletion_confirmed = 0;
            CREATE TABLE {p}pe_engagement_subjects (
                engagement_id text NOT NULL REFERENCES {p}pe_engagements (id) ON DELETE CASCADE,
                subject_id text COLLATE "C" NOT NULL,
                PRIMARY KEY (subject_id, engagement_id));

            CREATE TABLE {p}pe_violations (
                id text PRIMARY KEY,
                violator_id text COLLATE "C" NOT NULL,
                reported_at bigint NOT NULL,
                row_version bigint NOT NULL,
                payload text NOT NULL);
            CREATE INDEX ix_pe_violations_violator ON {p}pe_violations (violator_id);
            CREATE TABLE {p}pe_sanctions (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, subject_id text COLLATE "C" NOT NULL, payload text NOT NULL);
            CREATE INDEX ix_pe_sanctions_subject ON {p}pe_sanctions (subject_id, seq);

            CREATE TABLE {p}pe_pseudonyms (subject_id text COLLATE "C" PRIMARY KEY, pseudonym text NOT NULL UNIQUE);

            CREATE TABLE {p}pe_audit_events (sequence bigint PRIMARY KEY, payload text NOT NULL);
            CREATE TABLE {p}pe_audit_checkpoints (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, size bigint NOT NULL, payload text NOT NULL);
            """),
        new(2, "Subject-rights requests, legal holds and subject keys", $"""
            CREATE TABLE {p}pe_subject_rights_requests (
                id text COLLATE "C" PRIMARY KEY,
                subject_id text COLLATE "C" NOT NULL,
                kind bigint NOT NULL,
                scope_key text COLLATE "C" NOT NULL,
                is_open bigint NOT NULL,
                received_at bigint NOT NULL,
                deadline bigint NOT NULL,
                row_version bigint NOT NULL,
                payload text NOT NULL);
            -- scope_key is a SHA-256 of the scope, so the index that makes duplicate open requests impossible stays small.
            CREATE UNIQUE INDEX ux_pe_subject_rights_requests_open ON {p}pe_subject_rights_requests (subject_id, kind, scope_key) WHERE is_open = 1;
            CREATE INDEX ix_pe_subject_rights_requests_subject ON {p}pe_subject_rights_requests (subject_id, received_at, id);
            CREATE INDEX ix_pe_subject_rights_requests_deadline ON {p}pe_subject_rights_requests (deadline, id) WHERE is_open = 1;

            CREATE TABLE {p}pe_legal_holds (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id text NOT NULL UNIQUE,
                subject_id text COLLATE "C" NOT NULL,
                placed_at bigint NOT NULL,
                released_at bigint NULL,
                payload text NOT NULL);
            CREATE INDEX ix_pe_legal_holds_active ON {p}pe_legal_holds (subject_id, placed_at, seq) WHERE released_at IS NULL;

            CREATE TABLE {p}pe_subject_keys (
                subject_id text COLLATE "C" PRIMARY KEY,
                kek_version bigint NOT NULL,
                wrapped_key bytea NOT NULL,
                created_at bigint NOT NULL,
                created_offset bigint NOT NULL);
            CREATE INDEX ix_pe_subject_keys_kek ON {p}pe_subject_keys (kek_version);

            ALTER TABLE {p}pe_engagements ADD COLUMN obligation_emitted bigint NOT NULL DEFAULT 0;
            UPDATE {p}pe_engagements SET obligation_emitted = 1 WHERE (payload::jsonb ->> 'ObligationEmittedAt') IS NOT NULL;
            CREATE INDEX ix_pe_engagements_next_end ON {p}pe_engagements (effective_end) WHERE deletion_confirmed = 0 AND obligation_emitted = 0;
            """),

        // The audit trail's head hash (appends of several instances compare against it) and the columns audit queries
        // filter on, filled from each stored event's JSON; occurred_at is Unix milliseconds (UTC).
        new(3, "Audit head hash and indexed query columns", $"""
            ALTER TABLE {p}pe_audit_events
                ADD COLUMN hash text NOT NULL DEFAULT '',
                ADD COLUMN kind text COLLATE "C" NOT NULL DEFAULT '',
                ADD COLUMN occurred_at bigint NOT NULL DEFAULT 0,
                ADD COLUMN subject_pseudonym text COLLATE "C" NULL,
                ADD COLUMN recipient text COLLATE "C" NULL;
            UPDATE {p}pe_audit_events e SET
                hash = COALESCE(j.doc ->> 'Hash', ''),
                kind = COALESCE(j.doc ->> 'Kind', ''),
                occurred_at = floor(extract(epoch FROM (j.doc ->> 'Timestamp')::timestamptz) * 1000)::bigint,
                subject_pseudonym = j.doc ->> 'SubjectPseudonym',
                recipient = j.doc ->> 'Recipient'
            FROM (SELECT sequence, payload::jsonb AS doc FROM {p}pe_audit_events) j
            WHERE j.sequence = e.sequence;
            CREATE INDEX ix_pe_audit_events_subject ON {p}pe_audit_events (subject_pseudonym, kind, sequence);
            CREATE INDEX ix_pe_audit_events_recipient ON {p}pe_audit_events (recipient, kind, sequence);
            CREATE INDEX ix_pe_audit_events_kind ON {p}pe_audit_events (kind, sequence);
            CREATE INDEX ix_pe_audit_events_time ON {p}pe_audit_events (occurred_at);
            """),

        // store.subject-delete: an erased subject's closed requests keep a keyed hash of its id instead of the id, under
        // a key the store generates once (the one row of pe_subject_rights_secret). Requests already stored for
        // completed erasures are sealed here, in C#, with the same code the store uses.
        new(4, "Erased subjects' requests sealed under a keyed hash", $"""
            ALTER TABLE {p}pe_subject_rights_requests ADD COLUMN subject_hash text COLLATE "C" NULL;
            CREATE INDEX ix_pe_subject_rights_requests_hash ON {p}pe_subject_rights_requests (subject_hash, received_at, id) WHERE subject_hash IS NOT NULL;
            CREATE TABLE {p}pe_subject_rights_secret (id integer PRIMARY KEY CHECK (id = 1), hash_key bytea NOT NULL);
            """,
            (connection, transaction, cancellationToken) => RelationalSubjectRightsRequestStore.SealCompletedErasuresAsync(connection, transaction, new PostgreSqlDialect(p, notifySql: null, auditLockSql: null), cancellationToken)),

        // The standard taxonomy takes the fideslang keys (user.contact.phone -> user.contact.phone_number...): stored
        // facts are rewritten; user.sensitive, which fideslang has no key for, becomes both categories it grouped.
        new(5, "Stored facts carry the standard taxonomy's fideslang category ids", CategoryIdMigration.RenameSql(p),
            (connection, transaction, cancellationToken) => CategoryIdMigration.ExpandGroupingsAsync(connection, transaction, p, cancellationToken)),

        // The append transaction keeps only the primary key: the columns queries filter on are copied behind the head into
        // pe_audit_index (one row per event, written after the append commits), whose indexes answer the queries; the
        // events past its newest row are read on the key. The events stored so far are indexed here.
        new(6, "Audit query indexes moved behind the head", $"""
            DROP INDEX {p}ix_pe_audit_events_subject;
            DROP INDEX {p}ix_pe_audit_events_recipient;
            DROP INDEX {p}ix_pe_audit_events_kind;
            DROP INDEX {p}ix_pe_audit_events_time;
            CREATE TABLE {p}pe_audit_index (
                sequence bigint PRIMARY KEY,
                kind text COLLATE "C" NOT NULL,
                occurred_at bigint NOT NULL,
                subject_pseudonym text COLLATE "C" NULL,
                recipient text COLLATE "C" NULL);
            INSERT INTO {p}pe_audit_index (sequence, kind, occurred_at, subject_pseudonym, recipient)
                SELECT sequence, kind, occurred_at, subject_pseudonym, recipient FROM {p}pe_audit_events ORDER BY sequence;
            CREATE INDEX ix_pe_audit_index_subject ON {p}pe_audit_index (subject_pseudonym, kind, sequence);
            CREATE INDEX ix_pe_audit_index_recipient ON {p}pe_audit_index (recipient, kind, sequence);
            CREATE INDEX ix_pe_audit_index_kind ON {p}pe_audit_index (kind, sequence);
            CREATE INDEX ix_pe_audit_index_time ON {p}pe_audit_index (occurred_at);
            """),

        // The trail as several hash chains, one per writer (RelationalAuditChain): every event and checkpoint names its
        // chain (0, the default, for everything written before and through the shared append lock); a chain's events are
        // keyed by (chain, sequence); pe_audit_chains registers the chains writers claimed (each held by a session
        // advisory lock while its writer lives). Rebuilding the primary key reads the whole trail once.
        new(7, "Audit trail chains, one per writer", $"""
            ALTER TABLE {p}pe_audit_events ADD COLUMN chain bigint NOT NULL DEFAULT 0;
            ALTER TABLE {p}pe_audit_events DROP CONSTRAINT pe_audit_events_pkey;
            ALTER TABLE {p}pe_audit_events ADD CONSTRAINT pe_audit_events_pkey PRIMARY KEY (chain, sequence);
            ALTER TABLE {p}pe_audit_checkpoints ADD COLUMN chain bigint NOT NULL DEFAULT 0;
            CREATE INDEX ix_pe_audit_checkpoints_chain ON {p}pe_audit_checkpoints (chain, seq);
            CREATE TABLE {p}pe_audit_chains (chain bigint PRIMARY KEY CHECK (chain > 0), registered_at bigint NOT NULL);
                        ALTER TABLE {p}pe_audit_index ADD COLUMN chain bigint NOT NULL DEFAULT 0;
            ALTER TABLE {p}pe_audit_index DROP CONSTRAINT pe_audit_index_pkey;
            ALTER TABLE {p}pe_audit_index ADD CONSTRAINT pe_audit_index_pkey PRIMARY KEY (chain, sequence);
"""),
    ];
}
