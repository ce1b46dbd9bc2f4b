-- Frozen: the schema of a Privacy.Enforcement.PostgreSql database at migration 7, as released (pg_dump --schema-only,
-- then the rows of pe_schema_migrations). __schema__ stands for the configured schema. Never edit or regenerate (see README.md).

CREATE SCHEMA __schema__;

CREATE TABLE __schema__.pe_acceptances (
    seq bigint NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C",
    payload text NOT NULL
);

ALTER TABLE __schema__.pe_acceptances ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_acceptances_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_audit_chains (
    chain bigint NOT NULL,
    registered_at bigint NOT NULL,
    CONSTRAINT pe_audit_chains_chain_check CHECK ((chain > 0))
);

CREATE TABLE __schema__.pe_audit_checkpoints (
    seq bigint NOT NULL,
    size bigint NOT NULL,
    payload text NOT NULL,
    chain bigint DEFAULT 0 NOT NULL
);

ALTER TABLE __schema__.pe_audit_checkpoints ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_audit_checkpoints_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_audit_events (
    sequence bigint NOT NULL,
    payload text NOT NULL,
    hash text DEFAULT ''::text NOT NULL,
    kind text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    occurred_at bigint DEFAULT 0 NOT NULL,
    subject_pseudonym text COLLATE pg_catalog."C",
    recipient text COLLATE pg_catalog."C",
    chain bigint DEFAULT 0 NOT NULL
);

CREATE TABLE __schema__.pe_audit_index (
    sequence bigint NOT NULL,
    kind text NOT NULL COLLATE pg_catalog."C",
    occurred_at bigint NOT NULL,
    subject_pseudonym text COLLATE pg_catalog."C",
    recipient text COLLATE pg_catalog."C",
    chain bigint DEFAULT 0 NOT NULL
);

CREATE TABLE __schema__.pe_consent_facts (
    seq bigint NOT NULL,
    fact_id text NOT NULL,
    consent_id text NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C",
    payload text NOT NULL
);

ALTER TABLE __schema__.pe_consent_facts ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_consent_facts_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_engagement_subjects (
    engagement_id text NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C"
);

CREATE TABLE __schema__.pe_engagements (
    id text NOT NULL,
    provider_id text NOT NULL COLLATE pg_catalog."C",
    all_subjects bigint NOT NULL,
    starts_at bigint NOT NULL,
    effective_end bigint,
    deletion_confirmed bigint NOT NULL,
    row_version bigint NOT NULL,
    payload text NOT NULL,
    obligation_emitted bigint DEFAULT 0 NOT NULL
);

CREATE TABLE __schema__.pe_legal_holds (
    seq bigint NOT NULL,
    id text NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C",
    placed_at bigint NOT NULL,
    released_at bigint,
    payload text NOT NULL
);

ALTER TABLE __schema__.pe_legal_holds ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_legal_holds_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_objections (
    seq bigint NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C",
    payload text NOT NULL
);

ALTER TABLE __schema__.pe_objections ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_objections_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_pseudonyms (
    subject_id text NOT NULL COLLATE pg_catalog."C",
    pseudonym text NOT NULL
);

CREATE TABLE __schema__.pe_sanctions (
    seq bigint NOT NULL,
    subject_id text NOT NULL COLLATE pg_catalog."C",
    payload text NOT NULL
);

ALTER TABLE __schema__.pe_sanctions ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME __schema__.pe_sanctions_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE __schema__.pe_schema_migrations (
    version integer NOT NULL,
    description text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE __schema__.pe_subject_keys (
    subject_id text NOT NULL COLLATE pg_catalog."C",
    kek_version bigint NOT NULL,
    wrapped_key bytea NOT NULL,
    created_at bigint NOT NULL,
    created_offset bigint NOT NULL
);

CREATE TABLE __schema__.pe_subject_rights_requests (
    id text NOT NULL COLLATE pg_catalog."C",
    subject_id text NOT NULL COLLATE pg_catalog."C",
    kind bigint NOT NULL,
    scope_key text NOT NULL COLLATE pg_catalog."C",
    is_open bigint NOT NULL,
    received_at bigint NOT NULL,
    deadline bigint NOT NULL,
    row_version bigint NOT NULL,
    payload text NOT NULL,
    subject_hash text COLLATE pg_catalog."C"
);

CREATE TABLE __schema__.pe_subject_rights_secret (
    id integer NOT NULL,
    hash_key bytea NOT NULL,
    CONSTRAINT pe_subject_rights_secret_id_check CHECK ((id = 1))
);

CREATE TABLE __schema__.pe_violations (
    id text NOT NULL,
    violator_id text NOT NULL COLLATE pg_catalog."C",
    reported_at bigint NOT NULL,
    row_version bigint NOT NULL,
    payload text NOT NULL
);

ALTER TABLE ONLY __schema__.pe_acceptances
    ADD CONSTRAINT pe_acceptances_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_audit_chains
    ADD CONSTRAINT pe_audit_chains_pkey PRIMARY KEY (chain);

ALTER TABLE ONLY __schema__.pe_audit_checkpoints
    ADD CONSTRAINT pe_audit_checkpoints_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_audit_events
    ADD CONSTRAINT pe_audit_events_pkey PRIMARY KEY (chain, sequence);

ALTER TABLE ONLY __schema__.pe_audit_index
    ADD CONSTRAINT pe_audit_index_pkey PRIMARY KEY (chain, sequence);

ALTER TABLE ONLY __schema__.pe_consent_facts
    ADD CONSTRAINT pe_consent_facts_fact_id_key UNIQUE (fact_id);

ALTER TABLE ONLY __schema__.pe_consent_facts
    ADD CONSTRAINT pe_consent_facts_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_engagement_subjects
    ADD CONSTRAINT pe_engagement_subjects_pkey PRIMARY KEY (subject_id, engagement_id);

ALTER TABLE ONLY __schema__.pe_engagements
    ADD CONSTRAINT pe_engagements_pkey PRIMARY KEY (id);

ALTER TABLE ONLY __schema__.pe_legal_holds
    ADD CONSTRAINT pe_legal_holds_id_key UNIQUE (id);

ALTER TABLE ONLY __schema__.pe_legal_holds
    ADD CONSTRAINT pe_legal_holds_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_objections
    ADD CONSTRAINT pe_objections_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_pseudonyms
    ADD CONSTRAINT pe_pseudonyms_pkey PRIMARY KEY (subject_id);

ALTER TABLE ONLY __schema__.pe_pseudonyms
    ADD CONSTRAINT pe_pseudonyms_pseudonym_key UNIQUE (pseudonym);

ALTER TABLE ONLY __schema__.pe_sanctions
    ADD CONSTRAINT pe_sanctions_pkey PRIMARY KEY (seq);

ALTER TABLE ONLY __schema__.pe_schema_migrations
    ADD CONSTRAINT pe_schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY __schema__.pe_subject_keys
    ADD CONSTRAINT pe_subject_keys_pkey PRIMARY KEY (subject_id);

ALTER TABLE ONLY __schema__.pe_subject_rights_requests
    ADD CONSTRAINT pe_subject_rights_requests_pkey PRIMARY KEY (id);

ALTER TABLE ONLY __schema__.pe_subject_rights_secret
    ADD CONSTRAINT pe_subject_rights_secret_pkey PRIMARY KEY (id);

ALTER TABLE ONLY __schema__.pe_violations
    ADD CONSTRAINT pe_violations_pkey PRIMARY KEY (id);

CREATE INDEX ix_pe_acceptances_subject ON __schema__.pe_acceptances USING btree (subject_id, seq);

CREATE INDEX ix_pe_audit_checkpoints_chain ON __schema__.pe_audit_checkpoints USING btree (chain, seq);

CREATE INDEX ix_pe_audit_index_kind ON __schema__.pe_audit_index USING btree (kind, sequence);

CREATE INDEX ix_pe_audit_index_recipient ON __schema__.pe_audit_index USING btree (recipient, kind, sequence);

CREATE INDEX ix_pe_audit_index_subject ON __schema__.pe_audit_index USING btree (subject_pseudonym, kind, sequence);

CREATE INDEX ix_pe_audit_index_time ON __schema__.pe_audit_index USING btree (occurred_at);

CREATE INDEX ix_pe_consent_facts_consent ON __schema__.pe_consent_facts USING btree (consent_id, seq);

CREATE INDEX ix_pe_consent_facts_subject ON __schema__.pe_consent_facts USING btree (subject_id, seq);

CREATE INDEX ix_pe_engagements_end ON __schema__.pe_engagements USING btree (effective_end) WHERE (deletion_confirmed = 0);

CREATE INDEX ix_pe_engagements_next_end ON __schema__.pe_engagements USING btree (effective_end) WHERE ((deletion_confirmed = 0) AND (obligation_emitted = 0));

CREATE INDEX ix_pe_engagements_provider ON __schema__.pe_engagements USING btree (provider_id);

CREATE INDEX ix_pe_legal_holds_active ON __schema__.pe_legal_holds USING btree (subject_id, placed_at, seq) WHERE (released_at IS NULL);

CREATE INDEX ix_pe_objections_subject ON __schema__.pe_objections USING btree (subject_id, seq);

CREATE INDEX ix_pe_sanctions_subject ON __schema__.pe_sanctions USING btree (subject_id, seq);

CREATE INDEX ix_pe_subject_keys_kek ON __schema__.pe_subject_keys USING btree (kek_version);

CREATE INDEX ix_pe_subject_rights_requests_deadline ON __schema__.pe_subject_rights_requests USING btree (deadline, id) WHERE (is_open = 1);

CREATE INDEX ix_pe_subject_rights_requests_hash ON __schema__.pe_subject_rights_requests USING btree (subject_hash, received_at, id) WHERE (subject_hash IS NOT NULL);

CREATE INDEX ix_pe_subject_rights_requests_subject ON __schema__.pe_subject_rights_requests USING btree (subject_id, received_at, id);

CREATE INDEX ix_pe_violations_violator ON __schema__.pe_violations USING btree (violator_id);

CREATE UNIQUE INDEX ux_pe_subject_rights_requests_open ON __schema__.pe_subject_rights_requests USING btree (subject_id, kind, scope_key) WHERE (is_open = 1);

ALTER TABLE ONLY __schema__.pe_engagement_subjects
    ADD CONSTRAINT pe_engagement_subjects_engagement_id_fkey FOREIGN KEY (engagement_id) REFERENCES __schema__.pe_engagements(id) ON DELETE CASCADE;

INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (1, 'Initial schema', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (2, 'Subject-rights requests, legal holds and subject keys', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (3, 'Audit head hash and indexed query columns', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (4, 'Erased subjects'' requests sealed under a keyed hash', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (5, 'Stored facts carry the standard taxonomy''s fideslang category ids', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (6, 'Audit query indexes moved behind the head', '2026-01-01 00:00:00+00');
INSERT INTO __schema__.pe_schema_migrations (version, description, applied_at) VALUES (7, 'Audit trail chains, one per writer', '2026-01-01 00:00:00+00');
