using Microsoft.EntityFrameworkCore;
using Privacy.Enforcement.Classification;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests;

/// <summary>An account: classified by attribute and fluently, one property encrypted, one a credential; anonymised on erasure.</summary>
public sealed class Customer
{
    public int Id { get; set; }

    public string UserId { get; set; } = string.Empty;

    [PersonalData(StandardDataCategories.Email)]
    public string? Email { get; set; }

    public string? Name { get; set; }

    public string? Phone { get; set; }

    public string? PasswordHash { get; set; }

    public List<Order> Orders { get; set; } = [];
}

/// <summary>An order whose subject is its customer's (through the navigation); kept and anonymised on erasure.</summary>
public sealed class Order
{
    public int Id { get; set; }

    public int CustomerId { get; set; }

    public Customer? Customer { get; set; }

    public string? ShippingAddress { get; set; }

    public decimal Total { get; set; }
}

/// <summary>A sign-in record: deleted on erasure.</summary>
public sealed class SignIn
{
    public int Id { get; set; }

    public string UserId { get; set; } = string.Empty;

    public string? IpAddress { get; set; }
}

public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<SignIn> SignIns => Set<SignIn>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Customer>(customer =>
        {
            customer.HasSubject(c => c.UserId).OnErasure(PersonalDataErasure.Anonymise);
            customer.Property(c => c.Name).IsPersonalData(StandardDataCategories.Name);
            customer.Property(c => c.Phone).IsEncryptedPersonalData(StandardDataCategories.Phone);
            customer.Property(c => c.PasswordHash).IsPersonalData(StandardDataCategories.Password);
        });
        modelBuilder.Entity<Order>(order =>
        {
            order.HasSubject(o => o.Customer!.UserId).OnErasure(PersonalDataErasure.Anonymise);
            order.Property(o => o.ShippingAddress).IsPersonalData(StandardDataCategories.Address);
            order.Property(o => o.Total).HasConversion<double>();
        });
        modelBuilder.Entity<SignIn>(signIn =>
        {
            signIn.HasSubject(s => s.UserId);
            signIn.Property(s => s.IpAddress).IsPersonalData(StandardDataCategories.IpAddress);
        });
    }
}
