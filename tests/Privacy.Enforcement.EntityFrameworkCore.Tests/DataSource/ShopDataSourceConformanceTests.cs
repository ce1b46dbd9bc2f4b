using System.Text.Json;
using Privacy.Enforcement.Testing;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.DataSource;

/// <summary>The generated data source of <see cref="ShopContext"/> against the data source conformance suite.</summary>
public abstract class ShopDataSourceConformanceTests(ShopDatabase database) : PersonalDataSourceConformanceTests, IAsyncLifetime
{
    private ShopHost? _host;

    public async Task InitializeAsync() => _host = await ShopHost.StartAsync(database);

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    protected override Task<IPersonalDataSource> CreateSourceAsync() => Task.FromResult(_host!.Source);

    protected override async Task<IReadOnlyDictionary<DataCategory, JsonElement>> SeedAsync(IPersonalDataSource source, SubjectId subject)
    {
        var host = _host!;
        await host.GrantAsync(subject, StandardDataCategories.Email, StandardDataCategories.Name, StandardDataCategories.Phone, StandardDataCategories.Address, StandardDataCategories.IpAddress);
        var suffix = subject.Value.Length > 40 ? subject.Value[..40] : subject.Value;
        using (PrivacyScope.Begin(new PurposeId(StandardPurposes.ServiceProvision)))
        {
            await host.WithContextAsync(async context =>
            {
                var customer = new Customer { UserId = subject.Value, Email = $"{suffix}@example.test", Name = "Ann " + suffix, Phone = "+44 20 7946 0000" };
                customer.Orders.Add(new Order { ShippingAddress = "1 High Street", Total = 12.5m });
                customer.Orders.Add(new Order { ShippingAddress = "2 Low Road", Total = 3m });
                context.Customers.Add(customer);
                context.SignIns.Add(new SignIn { UserId = subject.Value, IpAddress = "192.0.2.7" });
                await context.SaveChangesAsync();
            });
        }

        return new Dictionary<DataCategory, JsonElement>
        {
            [new(StandardDataCategories.Email)] = JsonSerializer.SerializeToElement($"{suffix}@example.test"),
            [new(StandardDataCategories.Name)] = JsonSerializer.SerializeToElement("Ann " + suffix),
            [new(StandardDataCategories.Phone)] = JsonSerializer.SerializeToElement("+44 20 7946 0000"),
            [new(StandardDataCategories.Address)] = JsonSerializer.SerializeToElement(new[] { "1 High Street", "2 Low Road" }),
            [new(StandardDataCategories.IpAddress)] = JsonSerializer.SerializeToElement("192.0.2.7"),
        };
    }
}

public sealed class SqliteShopDataSourceConformanceTests() : ShopDataSourceConformanceTests(ShopDatabase.Sqlite);

public sealed class PostgreSqlShopDataSourceConformanceTests() : ShopDataSourceConformanceTests(ShopDatabase.PostgreSql);
