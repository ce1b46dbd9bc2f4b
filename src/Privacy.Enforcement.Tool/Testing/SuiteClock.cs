namespace Privacy.Enforcement.Tool.Testing;

/// <summary>A clock that stands still where the suite puts it: facts happen at their own times, cases at the suite's clock.</summary>
internal sealed class SuiteClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
