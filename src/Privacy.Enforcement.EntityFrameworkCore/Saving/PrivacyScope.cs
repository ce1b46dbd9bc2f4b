namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>
/// The purpose the host is acting for, carried with the async flow: classified values saved inside the scope are a
/// collection for this purpose. <c>using (PrivacyScope.Begin(new PurposeId(StandardPurposes.ServiceProvision))) { ... }</c>.
/// </summary>
public static class PrivacyScope
{
    private static readonly AsyncLocal<Frame?> Ambient = new();

    /// <summary>Gets the purpose in scope, or <see langword="null"/> outside any scope.</summary>
    public static PurposeId? CurrentPurpose => Ambient.Value?.Purpose;

    /// <summary>Whether the current writes answer a subject-rights request (the data source's own rectification and erasure).</summary>
    internal static bool IsSubjectRights => Ambient.Value?.SubjectRights == true;

    /// <summary>Begins a scope in which saved personal data is collected for <paramref name="purpose"/>.</summary>
    /// <param name="purpose">The purpose.</param>
    /// <returns>Ends the scope (restoring the enclosing one) when disposed.</returns>
    public static IDisposable Begin(PurposeId purpose)
    {
        if (purpose.IsEmpty)
        {
            throw new ArgumentException("A privacy scope needs a purpose.", nameof(purpose));
        }

        return Push(new Frame(purpose, SubjectRights: false));
    }

    /// <summary>The data source's scope: a rectification or erasure is the subject's right, not a collection decision (<c>store.subject-edit</c>, <c>store.subject-delete</c>).</summary>
    internal static IDisposable BeginSubjectRights() => Push(new Frame(null, SubjectRights: true));

    private static Restore Push(Frame frame)
    {
        var previous = Ambient.Value;
        Ambient.Value = frame;
        return new Restore(previous);
    }

    private sealed record Frame(PurposeId? Purpose, bool SubjectRights);

    private sealed class Restore(Frame? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
