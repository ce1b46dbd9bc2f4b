using Privacy.Enforcement.SubjectRights;

namespace Privacy.Enforcement.Relational;

/// <summary>
/// Every statement of the relational stores, built once per database. Values are always parameters; only the table
/// prefix (a schema name the library validated) and the notification statement are spliced in.
/// </summary>
internal sealed class StoreSql
{
    private readonly string[] _auditQueries = new string[1 << 5];

    public StoreSql(RelationalDialect dialect)
    {
        var prefix = dialect.TablePrefix;
        var notifySql = dialect.NotifySql;
        var auditLockSql = dialect.AuditLockSql;
        if ((notifySql is null) != (dialect.NotifyEverythingSql is null))
        {
            throw new ArgumentException($"A dialect that announces a subject's change ({nameof(RelationalDialect.NotifySql)}) announces a change of every subject too ({nameof(RelationalDialect.NotifyEverythingSql)}).", nameof(dialect));
        }

        var notify = notifySql is null ? string.Empty : "; " + notifySql;
        HasNotify = notifySql is not null;
        Notify = notifySql ?? string.Empty;
        NotifyEverything = dialect.NotifyEverythingSql ?? string.Empty;

        var facts = prefix + "pe_consent_facts";
        InsertFact = dialect.AdaptStatement(nameof(InsertFact), $"INSERT INTO {facts} (fact_id, consent_id, subject_id, payload) VALUES (@fact, @consent, @subject, @payload) ON CONFLICT (fact_id) DO NOTHING");
        // One statement, not an insert then a notify: the notification rides on the inserted row (none for a repeat).
        InsertFactNotify = dialect.AdaptStatement(nameof(InsertFactNotify), notifySql is null ? InsertFact : $"WITH appended AS ({InsertFact} RETURNING 1) {notifySql} FROM appended");
        FactsBySubject = dialect.AdaptStatement(nameof(FactsBySubject), $"SELECT payload FROM {facts} WHERE subject_id = @subject ORDER BY seq");
        FactsByConsent = dialect.AdaptStatement(nameof(FactsByConsent), $"SELECT payload FROM {facts} WHERE consent_id = @consent ORDER BY seq");
        SubjectsPage = dialect.AdaptStatement(nameof(SubjectsPage), $"SELECT DISTINCT subject_id FROM {facts} WHERE subject_id > @after ORDER BY subject_id LIMIT @limit");
        DeleteFacts = dialect.AdaptStatement(nameof(DeleteFacts), $"DELETE FROM {facts} WHERE subject_id = @subject");

        var acceptances = prefix + "pe_acceptances";
        var objections = prefix + "pe_objections";
        InsertAcceptance = dialect.AdaptStatement(nameof(InsertAcceptance), $"INSERT INTO {acceptances} (subject_id, payload) VALUES (@subject, @payload)" + notify);
        AcceptancesBySubject = dialect.AdaptStatement(nameof(AcceptancesBySubject), $"SELECT payload FROM {acceptances} WHERE subject_id = @subject ORDER BY seq");
        InsertObjection = dialect.AdaptStatement(nameof(InsertObjection), $"INSERT INTO {objections} (subject_id, payload) VALUES (@subject, @payload)" + notify);
        ObjectionsBySubject = dialect.AdaptStatement(nameof(ObjectionsBySubject), $"SELECT payload FROM {objections} WHERE subject_id = @subject ORDER BY seq");
        DeleteAcceptances = dialect.AdaptStatement(nameof(DeleteAcceptances), $"DELETE FROM {acceptances} WHERE subject_id = @subject");
        DeleteObjections = dialect.AdaptStatement(nameof(DeleteObjections), $"DELETE FROM {objections} WHERE subject_id = @subject");

        var engagements = prefix + "pe_engagements";
        var engagementSubjects = prefix + "pe_engagement_subjects";
        InsertEngagement = dialect.AdaptStatement(nameof(InsertEngagement), $"INSERT INTO {engagements} (id, provider_id, all_subjects, starts_at, effective_end, deletion_confirmed, obligation_emitted, row_version, payload) VALUES (@id, @provider, @all, @starts, @end, @confirmed, @emitted, 1, @payload) ON CONFLICT (id) DO NOTHING");
        InsertEngagementSubject = dialect.AdaptStatement(nameof(InsertEngagementSubject), $"INSERT INTO {engagementSubjects} (engagement_id, subject_id) VALUES (@id, @subject) ON CONFLICT DO NOTHING");
        DeleteEngagementSubjects = dialect.AdaptStatement(nameof(DeleteEngagementSubjects), $"DELETE FROM {engagementSubjects} WHERE engagement_id = @id");
        FindEngagement = dialect.AdaptStatement(nameof(FindEngagement), $"SELECT row_version, payload FROM {engagements} WHERE id = @id");
        UpdateEngagement = dialect.AdaptStatement(nameof(UpdateEngagement), $"UPDATE {engagements} SET provider_id = @provider, all_subjects = @all, starts_at = @starts, effective_end = @end, deletion_confirmed = @confirmed, obligation_emitted = @emitted, row_version = row_version + 1, payload = @payload WHERE id = @id AND row_version = @version");
        EngagementsByProvider = dialect.AdaptStatement(nameof(EngagementsByProvider), $"SELECT payload FROM {engagements} WHERE provider_id = @provider ORDER BY starts_at, id");
        EngagementsBySubject = dialect.AdaptStatement(nameof(EngagementsBySubject), $"SELECT e.payload FROM {engagements} e WHERE e.all_subjects = 1 OR EXISTS (SELECT 1 FROM {engagementSubjects} s WHERE s.engagement_id = e.id AND s.subject_id = @subject) ORDER BY e.starts_at, e.id");
        EngagementsEnded = dialect.AdaptStatement(nameof(EngagementsEnded), $"SELECT payload FROM {engagements} WHERE effective_end IS NOT NULL AND effective_end <= @until AND deletion_confirmed = 0 ORDER BY starts_at, id");
        NextEngagementEnd = dialect.AdaptStatement(nameof(NextEngagementEnd), $"SELECT effective_end FROM {engagements} WHERE deletion_confirmed = 0 AND obligation_emitted = 0 AND effective_end > @after ORDER BY effective_end LIMIT 1");

        var violations = prefix + "pe_violations";
        var sanctions = prefix + "pe_sanctions";
        InsertViolation = dialect.AdaptStatement(nameof(InsertViolation), $"INSERT INTO {violations} (id, violator_id, reported_at, row_version, payload) VALUES (@id, @subject, @reported, 1, @payload) ON CONFLICT (id) DO NOTHING");
        FindViolation = dialect.AdaptStatement(nameof(FindViolation), $"SELECT row_version, payload FROM {violations} WHERE id = @id");
        UpdateViolation = dialect.AdaptStatement(nameof(UpdateViolation), $"UPDATE {violations} SET violator_id = @subject, reported_at = @reported, row_version = row_version + 1, payload = @payload WHERE id = @id AND row_version = @version");
        ViolationsByViolator = dialect.AdaptStatement(nameof(ViolationsByViolator), $"SELECT payload FROM {violations} WHERE violator_id = @subject ORDER BY reported_at, id");
        InsertSanction = dialect.AdaptStatement(nameof(InsertSanction), $"INSERT INTO {sanctions} (subject_id, payload) VALUES (@subject, @payload)" + notify);
        SanctionsBySubject = dialect.AdaptStatement(nameof(SanctionsBySubject), $"SELECT payload FROM {sanctions} WHERE subject_id = @subject ORDER BY seq");

        // Everything a decision reads about one subject, in one statement: each row with its kind and the keys its own
        // statement orders by (sequence; for engagements start and id). The reader puts each kind in that order itself
        // (RelationalConsentStore.ReadSubjectAsync): no sort of whole rows, payloads included, in the database. The
        // engagements are read in two branches,
        // those of every subject and the subject's own through the (subject_id, engagement_id) key, instead of probing
        // the subject table once per engagement: a cold read costs index look-ups, not one per engagement stored.
        SubjectState = dialect.AdaptStatement(nameof(SubjectState),
            $"SELECT {(int)SubjectRecordKind.Fact} AS record_kind, seq AS k1, '' AS k2, payload FROM {facts} WHERE subject_id = @subject"
            + $" UNION ALL SELECT {(int)SubjectRecordKind.Acceptance}, seq, '', payload FROM {acceptances} WHERE subject_id = @subject"
            + $" UNION ALL SELECT {(int)SubjectRecordKind.Objection}, seq, '', payload FROM {objections} WHERE subject_id = @subject"
            + $" UNION ALL SELECT {(int)SubjectRecordKind.Engagement}, e.starts_at, e.id, e.payload FROM {engagements} e WHERE e.all_subjects = 1"
            + $" UNION ALL SELECT {(int)SubjectRecordKind.Engagement}, e.starts_at, e.id, e.payload FROM {engagementSubjects} s JOIN {engagements} e ON e.id = s.engagement_id WHERE s.subject_id = @subject AND e.all_subjects = 0"
            + $" UNION ALL SELECT {(int)SubjectRecordKind.Sanction}, seq, '', payload FROM {sanctions} WHERE subject_id = @subject");

        var pseudonyms = prefix + "pe_pseudonyms";
        InsertPseudonym = dialect.AdaptStatement(nameof(InsertPseudonym), $"INSERT INTO {pseudonyms} (subject_id, pseudonym) VALUES (@subject, @pseudonym) ON CONFLICT (subject_id) DO NOTHING");
        FindPseudonym = dialect.AdaptStatement(nameof(FindPseudonym), $"SELECT pseudonym FROM {pseudonyms} WHERE subject_id = @subject");
        DeletePseudonym = dialect.AdaptStatement(nameof(DeletePseudonym), $"DELETE FROM {pseudonyms} WHERE subject_id = @subject");

        var requests = prefix + "pe_subject_rights_requests";
        var secret = prefix + "pe_subject_rights_secret";
        InsertRequest = dialect.AdaptStatement(nameof(InsertRequest), $"INSERT INTO {requests} (id, subject_id, subject_hash, kind, scope_key, is_open, received_at, deadline, row_version, payload) VALUES (@id, @subject, @hash, @kind, @scope, @open, @received, @deadline, @version, @payload) ON CONFLICT DO NOTHING");
        OpenRequest = dialect.AdaptStatement(nameof(OpenRequest), $"SELECT payload FROM {requests} WHERE subject_id = @subject AND kind = @kind AND scope_key = @scope AND is_open = 1");
        FindRequest = dialect.AdaptStatement(nameof(FindRequest), $"SELECT payload FROM {requests} WHERE id = @id");
        UpdateRequest = dialect.AdaptStatement(nameof(UpdateRequest), $"UPDATE {requests} SET subject_id = @subject, subject_hash = @hash, kind = @kind, scope_key = @scope, is_open = @open, received_at = @received, deadline = @deadline, row_version = @version, payload = @payload WHERE id = @id AND row_version = @expected");
        // Sealed requests have an empty subject_id, which no subject id equals: they are found by the keyed hash only.
        RequestsBySubject = dialect.AdaptStatement(nameof(RequestsBySubject), $"SELECT payload FROM {requests} WHERE subject_id = @subject OR subject_hash = @hash ORDER BY received_at, id");
        OpenRequests = dialect.AdaptStatement(nameof(OpenRequests), $"SELECT payload FROM {requests} WHERE is_open = 1 ORDER BY deadline, id");
        ClosedRequestsOfSubject = dialect.AdaptStatement(nameof(ClosedRequestsOfSubject), $"SELECT payload FROM {requests} WHERE subject_id = @subject AND is_open = 0");
        SealRequest = dialect.AdaptStatement(nameof(SealRequest), $"UPDATE {requests} SET subject_id = '', subject_hash = @hash, payload = @payload WHERE id = @id");
        ErasedSubjects = dialect.AdaptStatement(nameof(ErasedSubjects), $"SELECT DISTINCT subject_id FROM {requests} WHERE kind = {(int)SubjectRightsRequestKind.Erase} AND is_open = 0 AND subject_id <> ''");
        FindHashKey = dialect.AdaptStatement(nameof(FindHashKey), $"SELECT hash_key FROM {secret} WHERE id = 1");
        InsertHashKey = dialect.AdaptStatement(nameof(InsertHashKey), $"INSERT INTO {secret} (id, hash_key) VALUES (1, @key) ON CONFLICT (id) DO NOTHING");

        var holds = prefix + "pe_legal_holds";
        InsertHold = dialect.AdaptStatement(nameof(InsertHold), $"INSERT INTO {holds} (id, subject_id, placed_at, released_at, payload) VALUES (@id, @subject, @placed, @released, @payload) ON CONFLICT (id) DO NOTHING");
        ReleaseHold = dialect.AdaptStatement(nameof(ReleaseHold), $"UPDATE {holds} SET released_at = @released WHERE id = @id AND released_at IS NULL");
        ActiveHolds = dialect.AdaptStatement(nameof(ActiveHolds), $"SELECT payload FROM {holds} WHERE subject_id = @subject AND released_at IS NULL ORDER BY placed_at, seq");

        var keys = prefix + "pe_subject_keys";
        const string keyColumns = "subject_id, kek_version, wrapped_key, created_at, created_offset";
        InsertKey = dialect.AdaptStatement(nameof(InsertKey), $"INSERT INTO {keys} ({keyColumns}) VALUES (@subject, @kek, @key, @created, @offset) ON CONFLICT (subject_id) DO NOTHING");
        FindKey = dialect.AdaptStatement(nameof(FindKey), $"SELECT {keyColumns} FROM {keys} WHERE subject_id = @subject");
        ReplaceKey = dialect.AdaptStatement(nameof(ReplaceKey), $"UPDATE {keys} SET kek_version = @kek, wrapped_key = @key, created_at = @created, created_offset = @offset WHERE subject_id = @subject AND kek_version = @expectedKek AND wrapped_key = @expectedKey");
        KeysBelow = dialect.AdaptStatement(nameof(KeysBelow), $"SELECT {keyColumns} FROM {keys} WHERE kek_version < @kek ORDER BY kek_version, subject_id");
        DeleteKey = dialect.AdaptStatement(nameof(DeleteKey), $"DELETE FROM {keys} WHERE subject_id = @subject");

        var events = prefix + "pe_audit_events";
        var checkpoints = prefix + "pe_audit_checkpoints";
        EventsTable = events;

        // The lock (PostgreSQL) serializes appends of every instance; it is taken before the head is read.
        AuditHead = dialect.AdaptStatement(nameof(AuditHead), (auditLockSql is null ? string.Empty : auditLockSql + "; ") + $"SELECT sequence, hash FROM {events} WHERE chain = 0 ORDER BY sequence DESC LIMIT 1");
        InsertEvent = dialect.AdaptStatement(nameof(InsertEvent), $"INSERT INTO {events} (sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) VALUES (@sequence, @hash, @kind, @occurred, @subject, @recipient, @payload) ON CONFLICT DO NOTHING");
        HeldHashes = dialect.AdaptStatement(nameof(HeldHashes), $"SELECT hash FROM {events} WHERE chain = 0 AND sequence >= @from AND sequence <= @to ORDER BY sequence");

        // The chains that have events: on PostgreSQL walked along the primary key (chain, sequence) one chain at a time,
        // not scanned; a SQLite trail is one chain, 0. With each, the newest index row of that chain (0 for none).
        var index = prefix + "pe_audit_index";
        IndexTable = index;
        var watermarks = auditLockSql is null
            ? string.Empty
            : $"WITH RECURSIVE c(chain) AS (SELECT MIN(chain) FROM {events} UNION ALL SELECT (SELECT MIN(chain) FROM {events} WHERE chain > c.chain) FROM c WHERE c.chain IS NOT NULL),"
              + $" w(chain, upto) AS (SELECT chain, (SELECT COALESCE(MAX(x.sequence), 0) FROM {index} x WHERE x.chain = c.chain) FROM c WHERE chain IS NOT NULL) ";

        // An index row's event: a SQLite trail is one chain, so its sequence alone (the index then covers its branch's filter).
        var indexJoin = auditLockSql is null ? "e.sequence = i.sequence" : "e.chain = i.chain AND e.sequence = i.sequence";

        // The events past their chain's newest index row, as a FROM clause and the start of its WHERE.
        var unindexed = auditLockSql is null
            ? $"{events} e WHERE e.sequence > (SELECT COALESCE(MAX(x.sequence), 0) FROM {index} x) AND"
            : $"w, {events} e WHERE e.chain = w.chain AND e.sequence > w.upto AND";

        // The payload and the columns queries filter on (the event's own and its index row's, and whether its chain's
        // index reaches past it), so a reader can check them against each other.
        var stored = $"e.payload, e.sequence, e.hash, e.kind, e.occurred_at, e.subject_pseudonym, e.recipient, i.sequence, i.kind, i.occurred_at, i.subject_pseudonym, i.recipient, (SELECT MAX(x.sequence) FROM {index} x WHERE x.chain = e.chain)";
        var joined = $"{events} e LEFT JOIN {index} i ON i.chain = e.chain AND i.sequence = e.sequence";
        EventsPage = dialect.AdaptStatement(nameof(EventsPage), $"SELECT {stored} FROM {joined} WHERE e.chain = 0 AND e.sequence >= @from ORDER BY e.sequence LIMIT @limit");
        LastEvent = dialect.AdaptStatement(nameof(LastEvent), $"SELECT {stored} FROM {joined} WHERE e.chain = 0 ORDER BY e.sequence DESC LIMIT 1");
        for (var criteria = 0; criteria < _auditQueries.Length; criteria++)
        {
            _auditQueries[criteria] = dialect.AdaptStatement("AuditQuery", BuildAuditQuery(events, index, indexJoin, watermarks, unindexed, (AuditCriteria)criteria));
        }

        // Behind the head: the query columns of the next events of every chain past that chain's newest indexed one, copied
        // inside the database, so each chain's index rows stay a prefix of its events. A second indexer (another instance)
        // racing for the same events skips those the first wrote.
        IndexEvents = dialect.AdaptStatement(nameof(IndexEvents),
            $"{watermarks}INSERT INTO {index} (chain, sequence, kind, occurred_at, subject_pseudonym, recipient)"
            + $" SELECT e.chain, e.sequence, e.kind, e.occurred_at, e.subject_pseudonym, e.recipient FROM {unindexed} 1 = 1"
            + " ORDER BY e.sequence, e.chain LIMIT @limit"
            + " ON CONFLICT DO NOTHING");
        IndexedTo = dialect.AdaptStatement(nameof(IndexedTo), $"SELECT COALESCE(MAX(sequence), 0) FROM {index}");

        InsertCheckpoint = dialect.AdaptStatement(nameof(InsertCheckpoint), $"INSERT INTO {checkpoints} (size, payload) VALUES (@size, @payload)");
        LatestCheckpoint = dialect.AdaptStatement(nameof(LatestCheckpoint), $"SELECT payload FROM {checkpoints} WHERE chain = 0 ORDER BY seq DESC LIMIT 1");

        // The lock (PostgreSQL) is the audit append lock: a checkpoint is chained onto the latest under it.
        LatestCheckpointForAppend = dialect.AdaptStatement(nameof(LatestCheckpointForAppend), (auditLockSql is null ? string.Empty : auditLockSql + "; ") + LatestCheckpoint);
        Checkpoints = dialect.AdaptStatement(nameof(Checkpoints), $"SELECT payload FROM {checkpoints} WHERE chain = 0 ORDER BY seq");

        // A trail of several chains (one per writer, RelationalAuditChain): the statements of one chain, and the registry.
        var chains = prefix + "pe_audit_chains";
        ChainHead = dialect.AdaptStatement(nameof(ChainHead), $"SELECT sequence, hash FROM {events} WHERE chain = @chain ORDER BY sequence DESC LIMIT 1");
        ChainHeldHashes = dialect.AdaptStatement(nameof(ChainHeldHashes), $"SELECT hash FROM {events} WHERE chain = @chain AND sequence >= @from AND sequence <= @to ORDER BY sequence");
        InsertChainEvent = dialect.AdaptStatement(nameof(InsertChainEvent), $"INSERT INTO {events} (chain, sequence, hash, kind, occurred_at, subject_pseudonym, recipient, payload) VALUES (@chain, @sequence, @hash, @kind, @occurred, @subject, @recipient, @payload)");
        ChainPage = dialect.AdaptStatement(nameof(ChainPage), $"SELECT {stored} FROM {joined} WHERE e.chain = @chain AND e.sequence >= @from ORDER BY e.sequence LIMIT @limit");
        ChainLastEvent = dialect.AdaptStatement(nameof(ChainLastEvent), $"SELECT {stored} FROM {joined} WHERE e.chain = @chain ORDER BY e.sequence DESC LIMIT 1");
        InsertChainCheckpoint = dialect.AdaptStatement(nameof(InsertChainCheckpoint), $"INSERT INTO {checkpoints} (chain, size, payload) VALUES (@chain, @size, @payload)");
        ChainLatestCheckpoint = dialect.AdaptStatement(nameof(ChainLatestCheckpoint), $"SELECT payload FROM {checkpoints} WHERE chain = @chain ORDER BY seq DESC LIMIT 1");
        ChainCheckpoints = dialect.AdaptStatement(nameof(ChainCheckpoints), $"SELECT payload FROM {checkpoints} WHERE chain = @chain ORDER BY seq");
        RegisteredChains = dialect.AdaptStatement(nameof(RegisteredChains), $"SELECT chain FROM {chains} WHERE chain > 0 ORDER BY chain");
        RegisterChain = dialect.AdaptStatement(nameof(RegisterChain), $"INSERT INTO {chains} (chain, registered_at) SELECT COALESCE(MAX(chain), 0) + 1, @now FROM {chains} WHERE 1 = 1 ON CONFLICT DO NOTHING RETURNING chain");

        // Every chain id: registered, with events (walked along the primary key one chain at a time, not scanned) or with checkpoints.
        ChainIds = dialect.AdaptStatement(nameof(ChainIds),
            $"WITH RECURSIVE e(chain) AS (SELECT MIN(chain) FROM {events} UNION ALL SELECT (SELECT MIN(chain) FROM {events} WHERE chain > e.chain) FROM e WHERE e.chain IS NOT NULL)"
            + $" SELECT chain FROM e WHERE chain IS NOT NULL UNION SELECT chain FROM {chains} UNION SELECT DISTINCT chain FROM {checkpoints} ORDER BY 1");
    }

    public bool HasNotify { get; }

    public string Notify { get; }

    /// <summary>Gets the statement announcing that any subject's state may have changed (empty without <see cref="HasNotify"/>).</summary>
    public string NotifyEverything { get; }

    public string InsertFact { get; }

    public string InsertFactNotify { get; }

    public string FactsBySubject { get; }

    public string FactsByConsent { get; }

    public string SubjectsPage { get; }

    public string DeleteFacts { get; }

    public string InsertAcceptance { get; }

    public string AcceptancesBySubject { get; }

    public string InsertObjection { get; }

    public string ObjectionsBySubject { get; }

    public string DeleteAcceptances { get; }

    public string DeleteObjections { get; }

    public string InsertEngagement { get; }

    public string InsertEngagementSubject { get; }

    public string DeleteEngagementSubjects { get; }

    public string FindEngagement { get; }

    public string UpdateEngagement { get; }

    public string EngagementsByProvider { get; }

    public string EngagementsBySubject { get; }

    public string EngagementsEnded { get; }

    public string NextEngagementEnd { get; }

    public string InsertViolation { get; }

    public string FindViolation { get; }

    public string UpdateViolation { get; }

    public string ViolationsByViolator { get; }

    public string InsertSanction { get; }

    public string SanctionsBySubject { get; }

    /// <summary>A subject's facts, acceptances, objections, engagements and sanctions in one statement: (kind, key, key, payload) rows.</summary>
    public string SubjectState { get; }

    public string InsertPseudonym { get; }

    public string FindPseudonym { get; }

    public string DeletePseudonym { get; }

    public string AuditHead { get; }

    public string HeldHashes { get; }

    public string InsertRequest { get; }

    public string OpenRequest { get; }

    public string FindRequest { get; }

    public string UpdateRequest { get; }

    public string RequestsBySubject { get; }

    public string OpenRequests { get; }

    public string ClosedRequestsOfSubject { get; }

    public string SealRequest { get; }

    public string ErasedSubjects { get; }

    public string FindHashKey { get; }

    public string InsertHashKey { get; }

    public string InsertHold { get; }

    public string ReleaseHold { get; }

    public string ActiveHolds { get; }

    public string InsertKey { get; }

    public string FindKey { get; }

    public string ReplaceKey { get; }

    public string KeysBelow { get; }

    public string DeleteKey { get; }

    /// <summary>
    /// The insert of one audit event (parameters <c>@sequence</c>, <c>@hash</c>, <c>@kind</c>, <c>@occurred</c>,
    /// <c>@subject</c>, <c>@recipient</c>, <c>@payload</c>), prepared once and run for every row of a batch. A row whose
    /// sequence is taken is not inserted (the caller checks the count).
    /// </summary>
    public string InsertEvent { get; }

    /// <summary>The audit events table, with its prefix.</summary>
    public string EventsTable { get; }

    public string EventsPage { get; }

    public string LastEvent { get; }

    public string InsertCheckpoint { get; }

    public string LatestCheckpoint { get; }

    public string LatestCheckpointForAppend { get; }

    public string Checkpoints { get; }

    /// <summary>The audit index table (the query columns of the events behind the head), with its prefix.</summary>
    public string IndexTable { get; }

    /// <summary>Indexes up to <c>@limit</c> events past the newest indexed one of their chain; returns the rows written.</summary>
    public string IndexEvents { get; }

    /// <summary>The newest indexed sequence of any chain (0 when none).</summary>
    public string IndexedTo { get; }

    public string ChainHead { get; }

    public string ChainHeldHashes { get; }

    public string InsertChainEvent { get; }

    public string ChainPage { get; }

    public string ChainLastEvent { get; }

    public string InsertChainCheckpoint { get; }

    public string ChainLatestCheckpoint { get; }

    public string ChainCheckpoints { get; }

    public string RegisteredChains { get; }

    public string RegisterChain { get; }

    public string ChainIds { get; }

    /// <summary>
    /// The page of events of every chain matching the given criteria, after <c>(@after, @afterChain)</c> in (sequence,
    /// chain) order: rows <c>(payload, chain, sequence)</c>.
    /// </summary>
    public string AuditQuery(AuditCriteria criteria) => _auditQueries[(int)criteria];

    /// <summary>
    /// Every chain's events by sequence number then chain, keyset pages resuming after the last <c>(sequence, chain)</c>
    /// returned. With criteria, two branches in one statement: the index rows through the index table's indexes, joined to
    /// the events by their key; and, per chain that has events, that chain's events past its newest index row, walked on
    /// the key and filtered on their own columns. Each chain's index rows are a prefix of its events (the catch-up copies
    /// them in order, <see cref="IndexEvents"/>), and both branches read the same snapshot of the statement, so each event
    /// committed before the statement is in exactly one branch however far behind any chain's index is.
    /// </summary>
    private static string BuildAuditQuery(string events, string index, string indexJoin, string watermarks, string unindexed, AuditCriteria criteria)
    {
        if (criteria == AuditCriteria.None)
        {
            var all = $"SELECT e.payload AS payload, e.chain AS chain, e.sequence AS sequence FROM {events} e WHERE e.sequence >= @after AND (e.sequence, e.chain) > (@after, @afterChain)";
            return watermarks.Length == 0
                ? $"{all} ORDER BY sequence, chain LIMIT @limit"
                : $"{watermarks}SELECT t.payload, t.chain, t.sequence FROM w CROSS JOIN LATERAL ({all} AND e.chain = w.chain ORDER BY e.sequence LIMIT @limit) t ORDER BY sequence, chain LIMIT @limit";
        }

        // A time range alone is walked on the time index: the sequence bounds are then only filters (unary plus), or
        // SQLite would walk the key's range instead.
        var key = (criteria & (AuditCriteria.Subject | AuditCriteria.Recipient | AuditCriteria.Kind)) == 0 ? "+i.sequence" : "i.sequence";
        var indexed = $"SELECT e.payload AS payload, e.chain AS chain, i.sequence AS sequence FROM {index} i JOIN {events} e ON {indexJoin}"
            + $" WHERE {key} >= @after AND (i.sequence, e.chain) > (@after, @afterChain){Filter("i.", criteria)}";
        var tail = $"SELECT e.payload AS payload, e.chain AS chain, e.sequence AS sequence FROM {unindexed}"
            + $" e.sequence >= @after AND (e.sequence, e.chain) > (@after, @afterChain){Filter("e.", criteria)}";
        if (watermarks.Length > 0)
        {
            // Per chain, on its key in order and at most a page of it: the planner walks each chain's key past its index.
            tail = $"SELECT t.payload, t.chain, t.sequence FROM w CROSS JOIN LATERAL ({tail.Replace("FROM w, ", "FROM ", StringComparison.Ordinal)} ORDER BY e.sequence LIMIT @limit) t";
        }
        return $"{watermarks}{indexed} UNION ALL {tail} ORDER BY sequence, chain LIMIT @limit";

        static string Filter(string alias, AuditCriteria criteria)
        {
            var where = new System.Text.StringBuilder();
            if (criteria.HasFlag(AuditCriteria.Subject))
            {
                where.Append(" AND ").Append(alias).Append("subject_pseudonym = @subject");
            }

            if (criteria.HasFlag(AuditCriteria.Recipient))
            {
                where.Append(" AND ").Append(alias).Append("recipient = @recipient");
            }

            if (criteria.HasFlag(AuditCriteria.Kind))
            {
                where.Append(" AND ").Append(alias).Append("kind = @kind");
            }

            if (criteria.HasFlag(AuditCriteria.From))
            {
                where.Append(" AND ").Append(alias).Append("occurred_at >= @from");
            }

            if (criteria.HasFlag(AuditCriteria.To))
            {
                where.Append(" AND ").Append(alias).Append("occurred_at <= @to");
            }

            return where.ToString();
        }
    }
}

/// <summary>The kind of record a row of <see cref="StoreSql.SubjectState"/> holds.</summary>
internal enum SubjectRecordKind
{
    Fact = 0,
    Acceptance = 1,
    Objection = 2,
    Engagement = 3,
    Sanction = 4,
}

/// <summary>The criteria an audit query filters on in SQL, one statement per combination.</summary>
[Flags]
internal enum AuditCriteria
{
    None = 0,
    Subject = 1,
    Recipient = 2,
    Kind = 4,
    From = 8,
    To = 16,
}
