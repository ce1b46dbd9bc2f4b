// Writes audit events durably to a JSON Lines trail from several concurrent callers and prints "ack <correlation id>"
// for each event whose recording returned. The crash test kills it with SIGKILL mid-stream and checks, after restart,
// that every acknowledged event is in the trail and the chain verifies.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: crashhost <trail.jsonl> <checkpoints.jsonl> <run-id> [callers]");
    return 2;
}

var callers = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 8;
var services = new ServiceCollection();
services.AddPrivacyEnforcement()
    .UseInMemoryStores()
    .UseJsonLinesAuditTrail(args[0], args[1])
    .ConfigureAuditTrail(o => o.CheckpointEveryEvents = 50);
await using var provider = services.BuildServiceProvider();
var trail = provider.GetRequiredService<IAuditTrail>();
var output = TextWriter.Synchronized(Console.Out);
Console.Out.Flush();
output.WriteLine("ready");
output.Flush();

var tasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
{
    for (var i = 0; ; i++)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{args[2]}-{caller}-{i}");
        await trail.RecordAsync(
            new AuditEvent
            {
                Timestamp = TimeProvider.System.GetUtcNow(),
                Kind = AuditEventKind.Decision,
                Action = "decision.disclose",
                SubjectPseudonym = "p-crash",
                Outcome = "Permit",
                ClauseIds = ["disclose.transaction"],
                CorrelationId = id,
            },
            CancellationToken.None);
        output.WriteLine("ack " + id);
        output.Flush();
    }
})).ToArray();
await Task.WhenAll(tasks);
return 0;
