using static Privacy.Enforcement.StandardDataCategories;

namespace Privacy.Enforcement.Sample;

/// <summary>The host's own systems that hold personal data, with the story's two users in them.</summary>
internal sealed class SampleData
{
    public SampleData()
    {
        var alice = new SubjectId("alice");
        Profiles.Put(alice, new(Name), "Alice Example");
        Profiles.Put(alice, new(Email), "alice@example.org");
        Profiles.Put(alice, new(Phone), "+1 555 0100");
        Profiles.Put(alice, new(Address), "1 Old Road, Springfield");
        Profiles.Put(alice, new(Password), "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA");
        Orders.Put(alice, new(PurchaseHistory), "order-1001, order-1002, order-1003");

        var mallory = new SubjectId("mallory");
        Profiles.Put(mallory, new(Name), "Mallory Example");
        Profiles.Put(mallory, new(Email), "mallory@example.org");
        Profiles.Put(mallory, new(Phone), "+1 555 0199");
    }

    /// <summary>The profile database: who the user is and how to reach them.</summary>
    public ProfileDataSource Profiles { get; } = new("profiles", Name, Email, Phone, Address, Password);

    /// <summary>The order database.</summary>
    public ProfileDataSource Orders { get; } = new("orders", PurchaseHistory);
}
