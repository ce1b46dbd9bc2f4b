namespace Privacy.Enforcement.Storage;

/// <summary>
/// Which subjects' cached state a change announced by an <see cref="IPrivacyChangeFeed"/> invalidates: one subject,
/// one stripe of subjects, or every subject. A feed whose announcements others can overhear (PostgreSQL: any role
/// that can connect may <c>LISTEN</c>) announces a stripe, so the announcement says nothing about an individual;
/// listeners then drop every cached subject in that stripe.
/// </summary>
/// <remarks>
/// A subject's stripe is a stable hash (32-bit FNV-1a over the id's UTF-8 bytes, its halves folded) modulo the stripe
/// count: every process and every version computes the same stripe for the same id.
/// </remarks>
public readonly record struct SubjectChange
{
    /// <summary>The largest stripe count a change may name.</summary>
    public const int MaxStripeCount = 1 << 16;

    private SubjectChange(SubjectId subject, int stripe, int stripeCount, bool interrupted = false)
    {
        Subject = subject;
        Stripe = stripe;
        StripeCount = stripeCount;
        IsInterrupted = interrupted;
    }

    /// <summary>Gets a change that may concern every subject (a feed that may have missed announcements says this).</summary>
    public static SubjectChange Everything => new(default, 0, 1);

    /// <summary>
    /// Gets the word of a feed that has just lost its subscription (a dropped connection): from now until it speaks
    /// again, changes made elsewhere go unheard, so a listener keeps nothing cached meanwhile. A feed that resubscribes
    /// then says <see cref="Everything"/>. It covers every subject, like <see cref="Everything"/>, but is not it.
    /// </summary>
    public static SubjectChange Interrupted => new(default, 0, 1, interrupted: true);

    /// <summary>Gets a value indicating whether this is <see cref="Interrupted"/>: the feed is not listening.</summary>
    public bool IsInterrupted { get; }

    /// <summary>Gets the one subject changed, when the change names one; otherwise empty.</summary>
    public SubjectId Subject { get; }

    /// <summary>Gets the stripe changed, when the change names a stripe.</summary>
    public int Stripe { get; }

    /// <summary>Gets how many stripes the subjects were divided into; 0 when the change names one subject, 1 when it concerns every subject.</summary>
    public int StripeCount { get; }

    /// <summary>Gets a value indicating whether the change may concern every subject.</summary>
    public bool IsEverything => StripeCount == 1 && !IsInterrupted;

    /// <summary>A change of one subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">The subject is empty.</exception>
    public static SubjectChange Of(SubjectId subject)
    {
        if (subject.IsEmpty)
        {
            throw new ArgumentException("A change names a subject; the SubjectId was empty.", nameof(subject));
        }

        return new(subject, 0, 0);
    }

    /// <summary>A change of some subject in a stripe.</summary>
    /// <param name="stripe">The stripe, from 0 to <paramref name="stripeCount"/> - 1.</param>
    /// <param name="stripeCount">How many stripes the subjects are divided into, from 1 to <see cref="MaxStripeCount"/>.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public static SubjectChange InStripe(int stripe, int stripeCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripeCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stripeCount, MaxStripeCount);
        ArgumentOutOfRangeException.ThrowIfNegative(stripe);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stripe, stripeCount);
        return new(default, stripe, stripeCount);
    }

    /// <summary>Returns the stripe of a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="stripeCount">How many stripes, from 1 to <see cref="MaxStripeCount"/>.</param>
    /// <returns>The stripe, from 0 to <paramref name="stripeCount"/> - 1.</returns>
    public static int StripeOf(SubjectId subject, int stripeCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripeCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stripeCount, MaxStripeCount);
        return StripeOf(subject.Value, stripeCount);
    }

    /// <summary>Returns whether the change concerns a subject.</summary>
    /// <param name="subject">The subject.</param>
    /// <returns><see langword="true"/> when the subject's cached state must be dropped.</returns>
    public bool Covers(SubjectId subject) => Covers(subject.Value);

    /// <inheritdoc />
    public override string ToString() => IsInterrupted ? "interrupted" : StripeCount switch
    {
        0 => "subject",
        1 => "everything",
        _ => $"stripe {Stripe}/{StripeCount}",
    };

    /// <summary>Whether the change concerns the subject with this id text (the cache's keys).</summary>
    internal bool Covers(string subject) => StripeCount switch
    {
        0 => string.Equals(Subject.Value, subject, StringComparison.Ordinal),
        1 => true,
        _ => StripeOf(subject, StripeCount) == Stripe,
    };

    internal static int StripeOf(string subject, int stripeCount)
    {
        // FNV-1a over the UTF-8 bytes, written out so no buffer is needed; the same function the PostgreSQL
        // notification computes in SQL.
        var hash = 2166136261u;
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in subject.EnumerateRunes())
        {
            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                hash = (hash ^ utf8[i]) * 16777619u;
            }
        }

        hash ^= hash >> 16;
        return (int)(hash % (uint)stripeCount);
    }
}
