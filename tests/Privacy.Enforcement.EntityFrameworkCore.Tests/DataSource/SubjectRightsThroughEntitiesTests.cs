using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using static Privacy.Enforcement.EntityFrameworkCore.Tests.Saving.SaveChangesInterceptorTests;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.DataSource;

/// <summary>Access, rectification and erasure requests answered through the generated source of <see cref="ShopContext"/>.</summary>
public sealed class SubjectRightsThroughEntitiesTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task The_source_says_where_each_category_is_kept_for_the_data_map()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);

        var source = host.Source.Should().BeAssignableTo<IClassifiedPersonalDataSource>().Subject;

        source.Name.Should().Be(nameof(ShopContext));
        source.Fields.Should().BeEquivalentTo(new ClassifiedField[]
        {
            new("Customers", "Email", new(StandardDataCategories.Email), false),
            new("Customers", "Name", new(StandardDataCategories.Name), false),
            new("Customers", "Phone", new(StandardDataCategories.Phone), true),
            new("Customers", "PasswordHash", new(StandardDataCategories.Password), false),
            new("Orders", "ShippingAddress", new(StandardDataCategories.Address), false),
            new("SignIns", "IpAddress", new(StandardDataCategories.IpAddress), false),
        });
        source.Categories.Should().BeEquivalentTo(source.Fields.Select(f => f.Category));
    }

    [Fact]
    public async Task Export_shows_the_entities_values_by_category_and_a_password_hash_only_as_held()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = await SeedAsync(host);

        var export = (await host.Get<ISubjectRightsService>().AccessAsync(subject, None)).Export;

        var shop = export.Sources.Should().ContainSingle(s => s.Name == nameof(ShopContext)).Subject;
        shop.Data[StandardDataCategories.Email].GetString().Should().Be("ann@example.test");
        shop.Data[StandardDataCategories.Phone].GetString().Should().Be("+44 1");
        shop.Data[StandardDataCategories.Address].GetString().Should().Be("1 High Street");
        shop.Data.Should().NotContainKey(StandardDataCategories.Password, "a credential is never exported (store.account-security)");
        shop.HeldNotShown.Should().Contain(StandardDataCategories.Password);
    }

    [Fact]
    public async Task Rectification_writes_the_category_s_property_and_keeps_it_encrypted()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = await SeedAsync(host);

        await host.Get<ISubjectRightsService>().RectifyAsync(subject, new Dictionary<DataCategory, JsonElement>
        {
            [new(StandardDataCategories.Phone)] = JsonSerializer.SerializeToElement("+44 2"),
            [new(StandardDataCategories.Email)] = JsonSerializer.SerializeToElement("ann@example.org"),
        }, None);

        var read = await host.Source.ReadAsync(subject, None);
        read[new(StandardDataCategories.Phone)].GetString().Should().Be("+44 2");
        read[new(StandardDataCategories.Email)].GetString().Should().Be("ann@example.org");
        (await host.ReadRawAsync("SELECT Phone FROM Customers")).Should().StartWith("pe1:");
    }

    [Fact]
    public async Task Erasure_deletes_sign_ins_anonymises_customers_and_orders_and_keeps_what_a_legal_hold_holds()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = await SeedAsync(host);
        var rights = host.Get<ISubjectRightsService>();
        await rights.PlaceLegalHoldAsync(subject, "matter-1", "a disputed delivery", [new DataCategory(StandardDataCategories.Address)], None);

        var request = await rights.EraseAsync(subject, None);

        request.Status.Should().Be(SubjectRightsRequestStatus.Completed);
        (await host.WithContextAsync(c => c.SignIns.CountAsync())).Should().Be(0, "sign-ins are deleted");
        var customer = await host.WithContextAsync(c => c.Customers.Include(x => x.Orders).SingleAsync());
        (customer.Email, customer.Name, customer.Phone, customer.PasswordHash).Should().Be((null, null, null, null));
        customer.Orders.Should().ContainSingle().Which.ShippingAddress.Should().Be("1 High Street", "the address is under legal hold");
        customer.Orders[0].Total.Should().Be(12.5m, "an anonymised row keeps its other columns");
        (await host.Source.ReadAsync(subject, None)).Keys.Should().Equal(new DataCategory(StandardDataCategories.Address));
    }

    private static async Task<SubjectId> SeedAsync(ShopHost host)
    {
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Email, StandardDataCategories.Name, StandardDataCategories.Phone, StandardDataCategories.Address, StandardDataCategories.IpAddress, StandardDataCategories.Password);
        var customer = new Customer { UserId = subject.Value, Email = "ann@example.test", Name = "Ann", Phone = "+44 1", PasswordHash = PasswordHashing.Hash("secret") };
        customer.Orders.Add(new Order { ShippingAddress = "1 High Street", Total = 12.5m });
        await Save(host, customer);
        await Save(host, new SignIn { UserId = subject.Value, IpAddress = "192.0.2.7" });
        return subject;
    }
}
