using System.Security.Cryptography;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Privacy.Enforcement.Classification;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.Classification;

public sealed partial class RedactedLoggingTests
{
    private const string Email = "ann@example.test";
    private const string Password = "hunter2-correct-horse";
    private const string Name = "Ann Example";
    private const string Health = "asthma";
    private static readonly string Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void No_classified_value_reaches_a_captured_log_in_clear()
    {
        using var services = Build();
        var logger = services.GetRequiredService<ILogger<RedactedLoggingTests>>();

        SignedUp(logger, Email, Password, Name, Health);

        var record = services.GetFakeLogCollector().GetSnapshot().Should().ContainSingle().Subject;
        foreach (var clear in new[] { Email, Password, Name, Health })
        {
            record.Message.Should().NotContain(clear);
            record.StructuredState!.Should().NotContain(p => p.Value != null && p.Value.Contains(clear, StringComparison.Ordinal));
        }

        var state = record.StructuredState!.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        state["password"].Should().BeEmpty("a credential is erased");
        state["name"].Should().BeEmpty("other categories are erased by default");
        state["health"].Should().BeEmpty();
        state["email"].Should().NotBeNullOrEmpty("contact data is hashed, so log lines about one address can be matched");
    }

    [Fact]
    public void Contact_data_hashes_the_same_for_the_same_value_and_differently_for_another()
    {
        using var services = Build();
        var logger = services.GetRequiredService<ILogger<RedactedLoggingTests>>();

        SignedUp(logger, Email, Password, Name, Health);
        SignedUp(logger, Email, Password, Name, Health);
        SignedUp(logger, "bob@example.test", Password, Name, Health);

        var emails = services.GetFakeLogCollector().GetSnapshot().Select(r => r.StructuredState!.Single(p => p.Key.Equals("email", StringComparison.OrdinalIgnoreCase)).Value).ToList();
        emails[0].Should().Be(emails[1]).And.NotBe(emails[2]);
    }

    [Fact]
    public void Other_categories_can_be_hashed_but_credentials_are_always_erased()
    {
        using var services = Build(o => o.OtherCategories = PrivacyRedactionMode.Hmac);
        var logger = services.GetRequiredService<ILogger<RedactedLoggingTests>>();

        SignedUp(logger, Email, Password, Name, Health);

        var state = services.GetFakeLogCollector().GetSnapshot().Single().StructuredState!.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
        state["name"].Should().NotBeNullOrEmpty().And.NotContain(Name);
        state["password"].Should().BeEmpty();
    }

    [Fact]
    public void A_classification_no_redactor_is_registered_for_is_erased()
    {
        using var services = Build();
        var logger = services.GetRequiredService<ILogger<RedactedLoggingTests>>();

        Noted(logger, "a value of a category outside the policy");

        services.GetFakeLogCollector().GetSnapshot().Single().StructuredState!.Single(p => p.Key.Equals("note", StringComparison.OrdinalIgnoreCase)).Value.Should().BeEmpty();
    }

    [Fact]
    public void Hashing_without_a_key_fails_at_registration_naming_the_option()
    {
        var services = new ServiceCollection();

        var register = () => services.AddRedaction(r => r.SetPrivacyRedactors(_ => { }));

        register.Should().Throw<ArgumentException>().WithMessage("*PrivacyRedactionOptions.HmacKey*");
        services.Invoking(s => s.AddRedaction(r => r.SetPrivacyRedactors(o => o.HmacKey = Convert.ToBase64String(new byte[16]))))
            .Should().Throw<ArgumentException>().WithMessage("*at least 32*");
    }

    [Fact]
    public void A_category_is_a_privacy_classification_and_back()
    {
        var attribute = new PersonalDataAttribute(StandardDataCategories.Email);

        attribute.Classification.Should().Be(new DataClassification("privacy", StandardDataCategories.Email));
        PrivacyDataClassification.TryGetCategory(attribute.Classification, out var category).Should().BeTrue();
        category.Should().Be(new DataCategory(StandardDataCategories.Email));
        PrivacyDataClassification.TryGetCategory(new DataClassification("other", StandardDataCategories.Email), out _).Should().BeFalse();
    }

    private static ServiceProvider Build(Action<PrivacyRedactionOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.EnableRedaction().AddFakeLogging());
        services.AddRedaction(redaction => redaction.SetPrivacyRedactors(options =>
        {
            options.HmacKey = Key;
            configure?.Invoke(options);
        }));
        return services.BuildServiceProvider();
    }

    [LoggerMessage(1, LogLevel.Information, "Signed up {Email} ({Name}) with password {Password}; health {Health}")]
    private static partial void SignedUp(
        ILogger logger,
        [EmailData] string email,
        [PasswordData] string password,
        [NameData] string name,
        [HealthData] string health);

    [LoggerMessage(2, LogLevel.Information, "Noted {Note}")]
    private static partial void Noted(ILogger logger, [UnlistedData] string note);

    /// <summary>A host's own category, outside the policy's taxonomy.</summary>
    private sealed class UnlistedDataAttribute() : PersonalDataAttribute("user.unlisted");
}
