namespace Privacy.Enforcement.AspNetCore.Tests.TestHost;

/// <summary>One test server for every endpoint test: each test signs in as a subject of its own.</summary>
[CollectionDefinition(Name)]
public sealed class PrivacyTestCollection : ICollectionFixture<PrivacyTestFactory>
{
    public const string Name = "privacy web host";
}
