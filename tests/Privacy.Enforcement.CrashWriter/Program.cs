// Usage: CrashWriter sqlite <connection string> <count>
//        CrashWriter postgres <connection string> <schema> <count>
// Prints "ready", then "ack <fact id>" after each grant the store acknowledged, until killed or done.
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement;

var services = new ServiceCollection();
var builder = services.AddPrivacyEnforcement();
int count;
if (args[0] == "sqlite")
{
    builder.UseSqlite(args[1]);
    count = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
}
else
{
    var schema = args[2];
    builder.UsePostgreSql(args[1], o => o.Schema = schema);
    count = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
}

await using var provider = services.BuildServiceProvider();
var store = provider.GetRequiredService<IConsentStore>();
var policy = new PolicyVersion(new PolicyId("standard"), new Version(1, 0), new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new string('a', 64));
var terms = new ConsentTerms { Purposes = [new PurposeId("marketing.own")], Categories = [new DataCategory("contact.email")], Acts = [ProcessingAct.Use] };
var time = TimeProvider.System;

Console.Out.WriteLine("ready");
for (var i = 0; i < count; i++)
{
    var fact = new ConsentFact
    {
        FactId = Guid.NewGuid(),
        ConsentId = ConsentId.New(),
        Subject = new SubjectId("crash-subject-" + (i % 100).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        State = ConsentState.Given,
        RecordedAt = time.GetUtcNow(),
        Policy = policy,
        Terms = terms,
    };
    await store.AppendAsync(fact, CancellationToken.None);
    Console.Out.WriteLine("ack " + fact.FactId.ToString("D"));
}

Console.Out.WriteLine("done");
