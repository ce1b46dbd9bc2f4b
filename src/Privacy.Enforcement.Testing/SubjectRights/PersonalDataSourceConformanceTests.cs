using System.Text.Json;
using Privacy.Enforcement.Storage;

using static Privacy.Enforcement.Testing.StoreTestData;

namespace Privacy.Enforcement.Testing;

/// <summary>
/// The contract of <see cref="IPersonalDataSource"/>: what a subject-rights request reads, corrects and erases through it
/// (<c>store.subject-access</c>, <c>store.subject-edit</c>, <c>store.subject-delete</c>). A hand-written source and a
/// generated one pass the same tests.
/// </summary>
public abstract class PersonalDataSourceConformanceTests
{
    /// <summary>Gets a token that is not cancelled.</summary>
    protected static CancellationToken None => CancellationToken.None;

    /// <summary>Creates the source for one test (it may share storage with other tests: every test uses new subjects).</summary>
    /// <returns>The source.</returns>
    protected abstract Task<IPersonalDataSource> CreateSourceAsync();

    /// <summary>Stores data about a subject the way the host's application does, at least two categories of it.</summary>
    /// <param name="source">The source under test.</param>
    /// <param name="subject">The subject.</param>
    /// <returns>What <see cref="IPersonalDataSource.ReadAsync"/> must now return for the subject.</returns>
    protected abstract Task<IReadOnlyDictionary<DataCategory, JsonElement>> SeedAsync(IPersonalDataSource source, SubjectId subject);

    /// <summary>A corrected value of a category, different from any value <see cref="SeedAsync"/> stores.</summary>
    /// <param name="category">The category.</param>
    /// <returns>The value.</returns>
    protected virtual JsonElement Correction(DataCategory category) => JsonSerializer.SerializeToElement("corrected " + category.Value);

    [StoreFact]
    public async Task It_declares_a_name_and_every_category_it_returns()
    {
        var source = await CreateSourceAsync();
        var seeded = await SeedAsync(source, NewSubject());

        source.Name.Should().NotBeNullOrWhiteSpace().And.NotStartWith("$");
        source.Categories.Should().NotBeEmpty().And.OnlyContain(c => !c.IsEmpty);
        seeded.Should().HaveCountGreaterThanOrEqualTo(2, "the suite needs two categories to tell them apart");
        seeded.Keys.Should().OnlyContain(c => source.Categories.Any(c.IsWithin), "a source returns only categories it declares");
    }

    [StoreFact]
    public async Task Read_returns_exactly_what_was_stored_for_that_subject_and_nothing_for_others()
    {
        var source = await CreateSourceAsync();
        var subject = NewSubject();
        var other = NewSubject();
        var seeded = await SeedAsync(source, subject);
        var otherSeeded = await SeedAsync(source, other);

        Text(await source.ReadAsync(subject, None)).Should().Equal(Text(seeded));
        Text(await source.ReadAsync(other, None)).Should().Equal(Text(otherSeeded));
        (await source.ReadAsync(NewSubject(), None)).Should().BeEmpty("an unknown subject has nothing");
    }

    [StoreFact]
    public async Task Update_replaces_the_given_category_only_and_only_for_that_subject()
    {
        var source = await CreateSourceAsync();
        var subject = NewSubject();
        var other = NewSubject();
        var seeded = await SeedAsync(source, subject);
        var otherSeeded = await SeedAsync(source, other);
        // A category held once: a correction of one value (how a category held many times is corrected is the source's own rule).
        var corrected = seeded.Where(s => s.Value.ValueKind != JsonValueKind.Array).Select(s => s.Key).Order().First();

        await source.UpdateAsync(subject, new Dictionary<DataCategory, JsonElement> { [corrected] = Correction(corrected) }, None);

        var expected = Text(seeded);
        expected[corrected.Value] = Text(Correction(corrected));
        Text(await source.ReadAsync(subject, None)).Should().Equal(expected);
        Text(await source.ReadAsync(other, None)).Should().Equal(Text(otherSeeded));
    }

    [StoreFact]
    public async Task Erasing_every_category_leaves_nothing_reports_what_was_held_and_spares_other_subjects()
    {
        var source = await CreateSourceAsync();
        var subject = NewSubject();
        var other = NewSubject();
        var seeded = await SeedAsync(source, subject);
        var otherSeeded = await SeedAsync(source, other);

        var erased = await source.EraseAsync(subject, source.Categories, None);

        erased.Should().BeEquivalentTo(seeded.Keys);
        (await source.ReadAsync(subject, None)).Should().BeEmpty();
        Text(await source.ReadAsync(other, None)).Should().Equal(Text(otherSeeded));
        (await source.EraseAsync(subject, source.Categories, None)).Should().BeEmpty("erasing what is already gone succeeds and erases nothing");
    }

    [StoreFact]
    public async Task Erasing_some_categories_keeps_the_others_as_a_legal_hold_requires()
    {
        var source = await CreateSourceAsync();
        var subject = NewSubject();
        var seeded = await SeedAsync(source, subject);
        var kept = seeded.Keys.Order().Last();
        var toErase = seeded.Keys.Where(c => c != kept && !kept.IsWithin(c)).ToArray();

        var erased = await source.EraseAsync(subject, toErase, None);

        erased.Should().BeEquivalentTo(toErase);
        var remaining = Text(await source.ReadAsync(subject, None));
        remaining.Should().ContainKey(kept.Value).WhoseValue.Should().Be(Text(seeded[kept]));
        remaining.Keys.Should().NotIntersectWith(toErase.Select(c => c.Value));
    }

    [StoreFact]
    public async Task Erasing_a_category_covers_the_categories_within_it()
    {
        var source = await CreateSourceAsync();
        var subject = NewSubject();
        var seeded = await SeedAsync(source, subject);
        var root = new DataCategory(seeded.Keys.First().Value.Split('.')[0]);

        var erased = await source.EraseAsync(subject, [root], None);

        erased.Should().BeEquivalentTo(seeded.Keys.Where(c => c.IsWithin(root)));
        (await source.ReadAsync(subject, None)).Keys.Should().NotContain(c => c.IsWithin(root));
    }

    [StoreFact]
    public async Task Hostile_subject_ids_are_kept_apart_exactly()
    {
        var source = await CreateSourceAsync();
        var seeded = new Dictionary<string, Dictionary<string, string>>();
        foreach (var id in HostileIdentifiers)
        {
            seeded[id] = Text(await SeedAsync(source, new SubjectId(id)));
        }

        foreach (var id in HostileIdentifiers)
        {
            Text(await source.ReadAsync(new SubjectId(id), None)).Should().Equal(seeded[id], "subject '{0}' reads its own data", id);
        }
    }

    private static Dictionary<string, string> Text(IReadOnlyDictionary<DataCategory, JsonElement> values) =>
        values.ToDictionary(v => v.Key.Value, v => Text(v.Value), StringComparer.Ordinal);

    // Compared as compact JSON: the same value whatever whitespace the source's serializer writes.
    private static string Text(JsonElement value) => JsonSerializer.Serialize(value);
}
