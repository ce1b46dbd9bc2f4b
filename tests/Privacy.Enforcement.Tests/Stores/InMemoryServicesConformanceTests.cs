using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.Tests.Stores;

public sealed class InMemoryServicesConformanceTests : PrivacyServicesConformanceTests
{
    protected override void AddStores(PrivacyEnforcementBuilder builder) => builder.UseInMemoryStores();
}
