using Microsoft.EntityFrameworkCore;
using Privacy.Enforcement.Classification;
using Privacy.Enforcement.EntityFrameworkCore;

namespace Privacy.Enforcement.WebSample.Profiles;

/// <summary>
/// The shop's own data, in EF Core on its own SQLite file beside the library's: the customers' profiles and orders,
/// classified where they are declared. The library builds the "profile" personal data source from this model (export,
/// rectification, erasure) and checks every save of a classified value as a collection for the purpose in scope.
/// </summary>
/// <param name="options">The context's options, with <c>.UsePrivacyEnforcement(services)</c>.</param>
public sealed class CenterDb(DbContextOptions<CenterDb> options) : DbContext(options)
{
    /// <summary>The name of the data source the library builds from this context.</summary>
    public const string SourceName = "profile";

    /// <summary>One profile per customer.</summary>
    public DbSet<CustomerProfile> Profiles => Set<CustomerProfile>();

    /// <summary>The customers' orders.</summary>
    public DbSet<CustomerOrder> Orders => Set<CustomerOrder>();

    /// <summary>The demo seeds that ran (no personal data).</summary>
    public DbSet<SeedMarker> Seeds => Set<SeedMarker>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.Entity<CustomerProfile>(profile =>
        {
            profile.ToTable("customer_profile");
            profile.HasIndex(p => p.UserId).IsUnique();
            profile.HasSubject(p => p.UserId);
            // store.subject-delete: nothing of the profile is kept by law, so the row goes.
            profile.OnErasure(PersonalDataErasure.DeleteRows);
        });
        modelBuilder.Entity<CustomerOrder>(order =>
        {
            order.ToTable("customer_order");
            order.HasSubject(o => o.UserId);
            // The order reference is purchase history; under a legal hold (tax) the request leaves it out and it stays.
            order.OnErasure(PersonalDataErasure.DeleteRows);
        });
        modelBuilder.Entity<SeedMarker>(seed =>
        {
            seed.ToTable("sample_seed");
            seed.HasKey(s => s.Name);
        });
    }
}

/// <summary>A customer's profile: the name, e-mail and postal address the shop serves them with.</summary>
public sealed class CustomerProfile
{
    /// <summary>The row's key.</summary>
    public int Id { get; set; }

    /// <summary>The subject the row belongs to (the demo user's id).</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The display name.</summary>
    [NameData]
    public string? Name { get; set; }

    /// <summary>The e-mail address.</summary>
    [EmailData]
    public string? Email { get; set; }

    /// <summary>The delivery address.</summary>
    [AddressData]
    public string? Address { get; set; }
}

/// <summary>An order of a customer; its reference is the customer's purchase history.</summary>
public sealed class CustomerOrder
{
    /// <summary>The row's key.</summary>
    public int Id { get; set; }

    /// <summary>The subject the order belongs to.</summary>
    public string UserId { get; set; } = string.Empty;

    /// <summary>The order's reference.</summary>
    [PurchaseHistoryData]
    public string? Reference { get; set; }
}

/// <summary>A demo seed that ran once for this database.</summary>
public sealed class SeedMarker
{
    /// <summary>The seed's name.</summary>
    public string Name { get; set; } = string.Empty;
}
