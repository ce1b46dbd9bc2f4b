using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Privacy.Enforcement.Tests.SubjectRights;

public sealed class SubjectRightsLoggingTests
{
    [Fact]
    public async Task A_failing_personal_data_source_is_logged_by_its_exception_type_only_never_by_the_exception_it_threw()
    {
        // The test source's exception quotes the subject id, as a host's source may quote the values it handles.
        using var f = new SubjectRightsFixture(builder =>
        {
            builder.Services.RemoveAll(typeof(ILogger<>));
            builder.Services.AddFakeLogging();
        });
        f.Files.Failing = true;

        var result = await f.Rights.AccessAsync(new SubjectId("alice-4711"), default);

        result.Request.Status.Should().Be(SubjectRightsRequestStatus.PartiallyCompleted);
        var failed = f.Services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle(r => r.Id.Id == 8001).Subject;
        failed.Message.Should().Contain("IOException");
        failed.Exception.Should().BeNull("the exception's message may carry personal data, and a logging provider would print it");
        f.Services.GetFakeLogCollector().GetSnapshot().Should().NotContain(r => r.Message.Contains("alice-4711") || (r.Exception != null && r.Exception.ToString().Contains("alice-4711")));
    }
}
