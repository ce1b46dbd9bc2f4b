using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores;

/// <summary>The JSON Lines trail and checkpoint files keep the same audit store contract as the SQL and in-memory stores.</summary>
public sealed class JsonLinesAuditStoreTests : AuditStoreConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("privacy-jsonl-conformance-").FullName;
    private readonly List<IDisposable> _sinks = [];

    protected override Task<(IAuditSink Sink, IAuditTrailReader Reader, ICheckpointSink Checkpoints)> CreateTrailAsync()
    {
        var name = Guid.NewGuid().ToString("N");
        var sink = new JsonLinesAuditSink(Path.Combine(_directory, name + ".jsonl"));
        var checkpoints = new JsonLinesCheckpointSink(Path.Combine(_directory, name + ".checkpoints.jsonl"));
        _sinks.Add(sink);
        _sinks.Add(checkpoints);
        return Task.FromResult<(IAuditSink, IAuditTrailReader, ICheckpointSink)>((sink, sink, checkpoints));
    }

    public void Dispose()
    {
        foreach (var sink in _sinks)
        {
            sink.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
