using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>
/// Finding 15: ids accepted invisible and direction-changing characters, so two subjects could look alike. Every
/// identifier type rejects the Unicode categories Cf (format), Zl (line separator) and Zp (paragraph separator).
/// </summary>
public sealed class Finding15_InvisibleIdentifierTests
{
    /// <summary>Zero-width space, right-to-left override, byte-order mark, line and paragraph separators, soft hyphen, zero-width joiner, first-strong isolate, a tag character.</summary>
    public static TheoryData<string, string> Invisible => new()
    {
        { "\u200B", "U+200B" },
        { "\u202E", "U+202E" },
        { "\uFEFF", "U+FEFF" },
        { "\u2028", "U+2028" },
        { "\u2029", "U+2029" },
        { "\u00AD", "U+00AD" },
        { "\u200D", "U+200D" },
        { "\u2068", "U+2068" },
        { "\U000E0041", "U+E0041" },
    };

    private static readonly (string Type, Func<string, object> Create, Func<string, bool> TryCreate)[] IdentifierTypes =
    [
        (nameof(SubjectId), v => new SubjectId(v), v => SubjectId.TryCreate(v, out _)),
        (nameof(ActorId), v => new ActorId(v), v => ActorId.TryCreate(v, out _)),
        (nameof(RecipientId), v => new RecipientId(v), v => RecipientId.TryCreate(v, out _)),
        (nameof(PurposeId), v => new PurposeId(v), v => PurposeId.TryCreate(v, out _)),
        (nameof(DataCategory), v => new DataCategory(v), v => DataCategory.TryCreate(v, out _)),
        (nameof(ServiceId), v => new ServiceId(v), v => ServiceId.TryCreate(v, out _)),
        (nameof(ClauseId), v => new ClauseId(v), v => ClauseId.TryCreate(v, out _)),
        (nameof(PolicyId), v => new PolicyId(v), v => PolicyId.TryCreate(v, out _)),
    ];

    [Theory]
    [MemberData(nameof(Invisible))]
    public void Finding15_every_identifier_type_rejects_invisible_and_direction_changing_characters(string character, string codePoint)
    {
        foreach (var (type, create, tryCreate) in IdentifierTypes)
        {
            var value = "alice" + character + "x";

            FluentActions.Invoking(() => create(value)).Should().Throw<ArgumentException>(type)
                .Where(e => e.Message.StartsWith(type + " ", StringComparison.Ordinal) && e.Message.Contains(codePoint, StringComparison.Ordinal) && !e.Message.Contains("alice", StringComparison.Ordinal), type);
            tryCreate(value).Should().BeFalse(type);
            Identifier.Check(value).Should().NotBeNull(type);
        }
    }

    [Fact]
    public void Finding15_two_look_alike_subjects_cannot_exist()
    {
        SubjectId.TryCreate("alice\u200B", out _).Should().BeFalse();
        SubjectId.TryCreate("\u202Eecila", out _).Should().BeFalse();
        SubjectId.TryCreate("\uFEFFalice", out _).Should().BeFalse();
        Actor.User(Alice).Id.Value.Should().Be("alice");
    }

    [Theory]
    [InlineData("مرحبا بالعالم שלום")]
    [InlineData("e\u0301\u0302 z\u0351")]
    [InlineData("😀🏳️🌈 𝕦𝕟𝕚 𠜎")]
    [InlineData("user one")]
    [InlineData("\u00A0nbsp")]
    public void Finding15_visible_text_of_any_script_is_still_a_valid_identifier(string value)
    {
        new SubjectId(value).Value.Should().Be(value);
    }

    [Fact]
    public void Finding15_a_policy_document_with_an_invisible_character_in_an_id_is_invalid_at_its_path()
    {
        var document = StandardPolicy.CreateBuilder().WithVersion("1.0", Start).Build();
        var tampered = document with { Recipients = [.. document.Recipients, new RecipientDefinition { Id = "courier\u200B", Kind = RecipientKind.ServiceProvider }] };

        PolicyDocumentValidator.Validate(tampered).Should().Contain(e => e.Path == $"$.recipients[{document.Recipients.Count}].id" && e.Message.Contains("U+200B", StringComparison.Ordinal));
    }

    [Fact]
    public void Finding15_a_stored_id_that_holds_an_invisible_character_fails_clearly_when_it_is_read_back()
    {
        // A row written before this check cannot be turned back into an id: it fails loudly, naming the type and the
        // character, and never silently becomes another subject.
        var read = () => System.Text.Json.JsonSerializer.Deserialize<ObjectionFact>("{\"Subject\":\"alice\\u200B\",\"Purpose\":\"analytics\",\"State\":\"Raised\",\"RecordedAt\":\"2025-06-01T00:00:00Z\"}", StoredForm);

        read.Should().Throw<ArgumentException>().WithMessage("SubjectId *U+200B*");
    }

    private static readonly System.Text.Json.JsonSerializerOptions StoredForm = CreateStoredForm();

    private static System.Text.Json.JsonSerializerOptions CreateStoredForm()
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        options.Converters.Add(new StoredIdentifier<SubjectId>(v => new SubjectId(v)));
        options.Converters.Add(new StoredIdentifier<PurposeId>(v => new PurposeId(v)));
        options.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        return options;
    }

    /// <summary>Reads an id as the SQL stores do (<c>src/Privacy.Enforcement.Relational/StoreJson.cs</c>): through its constructor.</summary>
    private sealed class StoredIdentifier<T>(Func<string, T> create) : System.Text.Json.Serialization.JsonConverter<T>
    {
        public override T Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options) => create(reader.GetString()!);

        public override void Write(System.Text.Json.Utf8JsonWriter writer, T value, System.Text.Json.JsonSerializerOptions options) => writer.WriteStringValue(value!.ToString());
    }
}
