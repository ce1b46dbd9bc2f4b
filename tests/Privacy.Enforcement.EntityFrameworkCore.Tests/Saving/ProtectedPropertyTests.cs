using Microsoft.EntityFrameworkCore;
using static Privacy.Enforcement.EntityFrameworkCore.Tests.Saving.SaveChangesInterceptorTests;

namespace Privacy.Enforcement.EntityFrameworkCore.Tests.Saving;

public sealed class ProtectedPropertyTests
{
    [Theory]
    [InlineData(ShopDatabase.Sqlite)]
    [InlineData(ShopDatabase.PostgreSql)]
    public async Task An_encrypted_property_is_stored_as_ciphertext_exported_in_clear_and_unreadable_once_its_key_is_destroyed(ShopDatabase database)
    {
        await using var host = await ShopHost.StartAsync(database);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Phone);
        var customer = new Customer { UserId = subject.Value, Phone = "+44 20 7946 0000" };

        await Save(host, customer);

        customer.Phone.Should().Be("+44 20 7946 0000", "the saved entity keeps its clear value");
        var table = database == ShopDatabase.Sqlite ? "Customers" : "\"Customers\"";
        var column = database == ShopDatabase.Sqlite ? "Phone" : "\"Phone\"";
        var stored = await host.ReadRawAsync($"SELECT {column} FROM {table}");
        stored.Should().StartWith("pe1:").And.NotContain("7946");
        (await host.Source.ReadAsync(subject, CancellationToken.None))[new DataCategory(StandardDataCategories.Phone)].GetString().Should().Be("+44 20 7946 0000");

        // Erasure destroys the subject's data key (the subject-rights service does it): the ciphertext left anywhere is unreadable.
        (await host.Get<SubjectFieldEncryptor>().ShredAsync(subject, CancellationToken.None)).Should().BeTrue();
        (await host.Source.ReadAsync(subject, CancellationToken.None)).Should().NotContainKey(new DataCategory(StandardDataCategories.Phone));
        var decrypt = () => host.Get<SubjectFieldEncryptor>().DecryptAsync(subject, "Customer.Phone", Convert.FromBase64String(stored![4..]), CancellationToken.None).AsTask();
        await decrypt.Should().ThrowAsync<SubjectKeyShreddedException>();
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_subject_does_not_decrypt()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var (ann, bob) = (NewSubject(), NewSubject());
        await host.GrantAsync(ann, StandardDataCategories.Phone);
        await host.GrantAsync(bob, StandardDataCategories.Phone);
        await Save(host, new Customer { UserId = ann.Value, Phone = "+44 1" });
        await Save(host, new Customer { UserId = bob.Value, Phone = "+44 2" });

        await host.WithContextAsync(c => c.Database.ExecuteSqlRawAsync(
            "UPDATE Customers SET Phone = (SELECT Phone FROM Customers WHERE UserId = {0}) WHERE UserId = {1}", ann.Value, bob.Value));

        var read = () => host.Source.ReadAsync(bob, CancellationToken.None).AsTask();
        await read.Should().ThrowAsync<System.Security.Cryptography.CryptographicException>();
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0c2FsdA$MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI")]
    [InlineData("5f4dcc3b5aa765d61d8327deb882cf99")]
    [InlineData("$2b$12$abcdefghijklmnopqrstuuY8n1jS3K1eH4e8K1eH4e8K1eH4e8K1e")]
    public async Task A_credential_that_is_not_an_approved_hash_is_refused_before_any_SQL(string value)
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Password);
        var before = host.Commands.Count;

        var save = () => Save(host, new Customer { UserId = subject.Value, PasswordHash = value });

        var refused = (await save.Should().ThrowAsync<CredentialNotHashedException>()).Which;
        refused.Message.Should().Contain("Customer.PasswordHash").And.Contain(ClauseIds.StoreAccountSecurity).And.NotContain(value);
        host.Commands.Count.Should().Be(before);
        (await host.WithContextAsync(c => c.Customers.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task A_credential_hashed_by_the_helper_is_stored_and_verifies()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Password);

        await Save(host, new Customer { UserId = subject.Value, PasswordHash = PasswordHashing.Hash("correct horse battery staple") });

        var stored = (await host.WithContextAsync(c => c.Customers.SingleAsync())).PasswordHash!;
        stored.Should().StartWith("$pbkdf2-sha256$i=600000$");
        PasswordHashing.Verify("correct horse battery staple", stored).Should().BeTrue();
        PasswordHashing.Verify("wrong", stored).Should().BeFalse();
    }

    [Fact]
    public async Task A_rectification_of_a_credential_must_also_be_a_hash()
    {
        await using var host = await ShopHost.StartAsync(ShopDatabase.Sqlite);
        var subject = NewSubject();
        await host.GrantAsync(subject, StandardDataCategories.Password);
        await Save(host, new Customer { UserId = subject.Value, PasswordHash = PasswordHashing.Hash("first") });

        var clear = () => host.Source.UpdateAsync(subject, new Dictionary<DataCategory, System.Text.Json.JsonElement>
        {
            [new(StandardDataCategories.Password)] = System.Text.Json.JsonSerializer.SerializeToElement("second"),
        }, CancellationToken.None).AsTask();

        await clear.Should().ThrowAsync<CredentialNotHashedException>();
    }
}
