using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.Saving;

public sealed class SaveChangesInterceptorTests
{
    private static readonly PurposeId ServiceProvision = new(StandardPurposes.ServiceProvision);

    [Theory]
    [InlineData(ShopDatabase.Sqlite)]
    [InlineData(ShopDatabase.PostgreSql)]
    public async Task A_classified_value_without_consent_is_refused_before_any_SQL_and_nothing_is_saved(ShopDatabase database)
    {
        await using var host = await ShopHost.StartAsync(database);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Name); // the name, not the e-mail

        var before = host.Commands.Count;
        var save = () => Save(host, new Customer { UserId = subject.Value, Name = "Ann", Email = "ann@example.test" });

        var refused = (await save.Should().ThrowAsync<PersonalDataDeniedException>()).Which;
        refused.Decision.IsFullyPermitted.Should().BeFalse("the name is permitted but the e-mail withheld: the whole save is refused");
        refused.Decision.WithheldCategories.Should().Contain(new DataCategory(StandardDataCategories.Email));
        refused.Decision.Clauses.Should().Contain(ClauseIds.CollectConsent);
        refused.EntityType.Should().Be(nameof(Customer));
        refused.Message.Should().NotContain(subject.Value).And.NotContain("ann@example.test").And.NotContain("Ann\"");
        host.Commands.Count.Should().Be(before, "the refusal comes before any SQL is sent");
        (await host.WithContextAsync(c => c.Customers.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task With_consent_for_every_category_written_the_save_goes_ahead()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Name, StandardDataCategories.Email);

        await Save(host, new Customer { UserId = subject.Value, Name = "Ann", Email = "ann@example.test" });

        (await host.WithContextAsync(c => c.Customers.SingleAsync())).Email.Should().Be("ann@example.test");
    }

    [Fact]
    public async Task A_change_is_decided_on_the_changed_categories_only()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Name);
        await Save(host, new Customer { UserId = subject.Value, Name = "Ann" });

        // The name is consented: renaming is permitted. Adding an e-mail is not.
        await Change(host, c => c.Name = "Anne");
        var addEmail = () => Change(host, c => c.Email = "ann@example.test");

        await addEmail.Should().ThrowAsync<PersonalDataDeniedException>();
        var stored = await host.WithContextAsync(c => c.Customers.SingleAsync());
        stored.Name.Should().Be("Anne");
        stored.Email.Should().BeNull();
    }

    [Fact]
    public async Task The_subject_of_an_order_is_found_through_its_customer_navigation_even_when_not_loaded()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Name);
        await Save(host, new Customer { UserId = subject.Value, Name = "Ann" });
        var customerId = await host.WithContextAsync(c => c.Customers.Select(x => x.Id).SingleAsync());

        // No consent to the address: the order's subject must be resolved through Customer to be refused.
        var order = () => Save(host, new Order { CustomerId = customerId, ShippingAddress = "1 High Street" });

        await order.Should().ThrowAsync<PersonalDataDeniedException>();
        await host.GrantAsync(subject, StandardDataCategories.Address);
        await Save(host, new Order { CustomerId = customerId, ShippingAddress = "1 High Street" });
        (await host.Source.ReadAsync(subject, CancellationToken.None)).Should().ContainKey(new DataCategory(StandardDataCategories.Address));
    }

    [Fact]
    public async Task Outside_any_purpose_a_classified_write_is_refused_unless_a_default_purpose_is_configured()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Name);

        var noPurpose = () => host.WithContextAsync(async c =>
        {
            c.Customers.Add(new Customer { UserId = subject.Value, Name = "Ann" });
            await c.SaveChangesAsync();
        });

        (await noPurpose.Should().ThrowAsync<PersonalDataDeniedException>()).WithMessage("*no purpose is in scope*");

        await using var withDefault = await ShopHost.StartAsync(ShopDatabase.Sqlite, o => o.DefaultPurpose = StandardPurposes.ServiceProvision);
        await withDefault.GrantAsync(subject, StandardDataCategories.Name);
        await withDefault.WithContextAsync(async c =>
        {
            c.Customers.Add(new Customer { UserId = subject.Value, Name = "Ann" });
            await c.SaveChangesAsync();
        });
        (await withDefault.WithContextAsync(c => c.Customers.CountAsync())).Should().Be(1);
    }

    [Fact]
    public async Task In_audit_only_mode_a_denied_collection_is_saved_and_logged_without_personal_data()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite, o => o.Mode = PersonalDataSavingMode.AuditOnly);
        var subject = NewSubject();

        await Save(host, new Customer { UserId = subject.Value, Email = "ann@example.test" });

        (await host.WithContextAsync(c => c.Customers.CountAsync())).Should().Be(1);
        var warning = host.Get<FakeLogCollector>().GetSnapshot().Should().ContainSingle(r => r.Level == LogLevel.Warning).Which;
        warning.Message.Should().Contain("Deny").And.Contain(nameof(Customer)).And.NotContain(subject.Value).And.NotContain("ann@example.test");
    }

    [Fact]
    public async Task A_synchronous_SaveChanges_is_checked_the_same_way()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();

        var save = () => host.WithContextAsync(c =>
        {
            using (PrivacyScope.Begin(ServiceProvision))
            {
                c.Customers.Add(new Customer { UserId = subject.Value, Email = "ann@example.test" });
                c.SaveChanges();
            }

            return Task.CompletedTask;
        });

        await save.Should().ThrowAsync<PersonalDataDeniedException>();
        (await host.WithContextAsync(c => c.Customers.CountAsync())).Should().Be(0);
    }

    internal static SubjectId NewSubject() => new("user-" + Guid.NewGuid().ToString("N"));

    internal static Task Save(ShopHost host, object entity) => host.WithContextAsync(async c =>
    {
        using (PrivacyScope.Begin(ServiceProvision))
        {
            c.Add(entity);
            await c.SaveChangesAsync();
        }
    });

    private static Task Change(ShopHost host, Action<Customer> change) => host.WithContextAsync(async c =>
    {
        using (PrivacyScope.Begin(ServiceProvision))
        {
            change(await c.Customers.SingleAsync());
            await c.SaveChangesAsync();
        }
    });
}
