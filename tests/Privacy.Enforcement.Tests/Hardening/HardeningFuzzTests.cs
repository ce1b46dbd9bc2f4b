using System.Diagnostics;
using System.Text;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Tests.Decisions;
using static Privacy.Enforcement.StandardDataCategories;
using static Privacy.Enforcement.Tests.Decisions.EnforcerFixture;
using static Privacy.Enforcement.Tests.Hardening.HardeningReflection;

namespace Privacy.Enforcement.Tests.Hardening;

/// <summary>
/// Randomised requests, facts and policy documents: no Permit for any malformed or undefined input, no exception but
/// the documented ones (<see cref="ArgumentException"/> from the types, <see cref="PolicyValidationException"/> from
/// the loader; a decision never throws), and no hang (each property is bounded in time and each case in work).
/// </summary>
public sealed class HardeningFuzzTests
{
    private const string Service = StandardPurposes.ServiceProvision;

    /// <summary>Mostly small values around the enums' ranges, sometimes anything.</summary>
    private static readonly Gen<int> Value = Gen.Frequency(
        (8, (IGen<int>)Gen.Int[-2, 9]),
        (1, Gen.Int),
        (1, Gen.OneOfConst(int.MinValue, int.MaxValue, 37, 255, 1 << 8, -256)));

    private static readonly Gen<int[]> Case = Value.Array[16];

    private static readonly string[] CategoryPool = [Phone, Email, Behavior, Name, Address, SearchKeywords, Contact, "unknown.category"];

    private static readonly string[] PurposePool = [Service, StandardPurposes.OwnMarketing, StandardPurposes.PartnerMarketing, StandardPurposes.LegalCompliance, StandardPurposes.DisputeResolution, "unknown-purpose"];

    private static readonly string[] RecipientPool = [Courier, Sister, PartnerA, AdNetwork, Court, Agency, Respondent, Seller];

    [Fact(Timeout = 120_000)]
    public async Task Fuzz_requests_with_undefined_enums_or_malformed_parts_are_never_permitted_and_never_throw()
    {
        using var fixture = new EnforcerFixture();
        await ArrangePermissiveState(fixture);

        await Check.SampleAsync(Case, async d =>
        {
            var inject = (d[14] & 1) == 1;
            PrivacyRequest request;
            bool undefined;
            try
            {
                (request, undefined) = BuildRequest(d, inject);
            }
            catch (ArgumentException)
            {
                // The public API refuses an undefined value where it is set: nothing to decide.
                ExpectedRefusal(d).Should().BeTrue("only an undefined enum value is refused when a request is made");
                return;
            }

            undefined.Should().Be(inject && ExpectedRefusal(d), "the request was built as planned");
            var decision = await fixture.Enforcer.DecideAsync(request);

            var malformed = request.Subject.IsEmpty || request.Categories.Count == 0;
            if (undefined || malformed)
            {
                decision.Outcome.Should().Be(DecisionOutcome.Deny, Describe(d));
                decision.Reason.Should().Be(DecisionReason.Indeterminate, Describe(d));
                decision.PermittedCategories.Should().BeEmpty();
            }
        }, iter: 3000, threads: 1, seed: null);
    }

    [Fact(Timeout = 120_000)]
    public async Task Fuzz_facts_refuse_undefined_enums_and_the_consent_service_throws_only_argument_exceptions()
    {
        using var fixture = new EnforcerFixture();
        var consents = fixture.Services.GetRequiredService<IConsentService>();
        var policy = fixture.Catalog.Current.Version;

        await Check.SampleAsync(Case, async d =>
        {
            Expect(() => new ConsentFact { FactId = Guid.NewGuid(), ConsentId = ConsentId.New(), Subject = Alice, State = (ConsentState)d[0], RecordedAt = Start, Policy = policy }, Enum.IsDefined((ConsentState)d[0]));
            Expect(() => new PolicyAcceptance(Alice, policy, (AcceptanceKind)d[1], Start, "sign-in"), Enum.IsDefined((AcceptanceKind)d[1]));
            Expect(() => new ObjectionFact(Alice, new PurposeId(Service), (ObjectionState)d[2], Start), Enum.IsDefined((ObjectionState)d[2]));
            ProcessingAct[] acts = [.. d.Skip(3).Take(1 + (Math.Abs(d[6] % 3))).Select(v => (ProcessingAct)v)];
            var kind = (d[7] & 1) == 0 ? (RecipientKind?)null : (RecipientKind)d[8];
            var defined = acts.All(a => Enum.IsDefined(a)) && (kind is null || Enum.IsDefined(kind.Value));
            Expect(() => new ConsentTerms { Purposes = [new PurposeId(Service)], Categories = [new DataCategory(Phone)], Acts = acts, RecipientKind = kind }, defined);

            var grant = new ConsentRequest
            {
                Subject = Alice,
                PolicyVersion = policy.Version,
                PolicyContentHash = policy.ContentHash,
                Purposes = [new PurposeId(Pick(PurposePool, d[9]))],
                Categories = [new DataCategory(Pick(CategoryPool, d[10]))],
                Acts = acts,
                RecipientKind = kind,
                Recipient = (d[11] & 1) == 0 ? null : new RecipientId(Pick(RecipientPool, d[12])),
                CollectionMethod = "form",
            };
            try
            {
                await consents.GrantAsync(grant, default);
                defined.Should().BeTrue("a consent with an undefined act or recipient kind is never recorded");
            }
            catch (ArgumentException)
            {
                // Documented: the grant names the field that is wrong.
            }
        }, iter: 2000, threads: 1, seed: null);
    }

    [Fact(Timeout = 120_000)]
    public Task Fuzz_policy_documents_load_or_are_rejected_with_a_validation_exception_in_bounded_time() => Task.Run(() =>
    {
        var standard = Encoding.UTF8.GetBytes(PolicyDocumentSerializer.Serialize(StandardPolicy.CreateBuilder().WithVersion("1.0", Start).Build()));
        string[] snippets =
        [
            "\"id\":\"x\",", "{", "}", "[", "]", ",", "null", "6", "\"6\"", "\"use,store\"", "\" use\"", "\"\\uD800\"", "\"\\uDC00x\"",
            "\"acts\":[\"use\"],", "\"kind\":\"deny-by-default\",", "\"clauses\":[],", "[[[[[[[[[[[[[[[[[[[[", "\"\u200B\"", "1e999", "-0", "\"",
            "/* c */", "\"publishedAt\":\"not a time\",",
        ];
        var gen = Gen.Select(Gen.Int[0, 4], Gen.Int[0, standard.Length - 1], Gen.Int[0, snippets.Length - 1], Gen.Byte, Gen.Int[1, 64]);

        Check.Sample(gen.Array[1, 3], operations =>
        {
            var bytes = Mutate(standard, operations, snippets);
            var watch = Stopwatch.StartNew();
            try
            {
                var policy = PolicyDocumentSerializer.Load(new MemoryStream(bytes));
                PolicyCompiler.Compile(policy).Should().NotBeNull();
            }
            catch (PolicyValidationException exception)
            {
                exception.Errors.Should().NotBeEmpty();
                exception.Errors.Should().OnlyContain(e => e.Path.StartsWith('$') && e.Message.Length > 0);
            }

            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "loading a document is bounded work");
        }, iter: 400, threads: 1, seed: null);
    });

    private static async Task ArrangePermissiveState(EnforcerFixture fixture)
    {
        // Alice accepted and consented to everything, so a well-formed request can be a Permit: the property then
        // shows that only the undefined or malformed part turns it into a Deny.
        await fixture.AcceptAsync(Alice);
        await fixture.AcceptAsync(Bob);
        foreach (var purpose in PurposePool.SkipLast(1))
        {
            await fixture.ConsentAsync(Alice, purpose, [Phone, Email, Behavior, Name, Address, Contact], [ProcessingAct.Collect, ProcessingAct.Use, ProcessingAct.Disclose], recipientKind: RecipientKind.Partner);
            await fixture.ConsentAsync(Alice, purpose, [Phone, Email, Behavior, Name, Address, Contact], [ProcessingAct.Collect, ProcessingAct.Use, ProcessingAct.Disclose], recipientKind: RecipientKind.UnrelatedThirdParty);
        }

        await fixture.EngageAsync(Alice);
    }

    private static void Expect<T>(Func<T> make, bool defined)
    {
        if (defined)
        {
            make.Should().NotThrow();
        }
        else
        {
            make.Should().Throw<ArgumentException>();
        }
    }

    private static string Pick(string[] pool, int value) => pool[(int)((uint)value % (uint)pool.Length)];

    private static int Choice(int value, int count) => (int)((uint)value % (uint)count);

    /// <summary>Whether the case names an enum value its request kind carries that is not defined.</summary>
    private static bool ExpectedRefusal(int[] d)
    {
        var kind = Choice(d[0], 3);
        var undefined = !Enum.IsDefined((ActorKind)d[2]);
        if (kind == 1)
        {
            undefined |= !Enum.IsDefined((ProcessingAct)d[1]);
        }

        if (kind == 2)
        {
            undefined |= !Enum.IsDefined((TransferKind)d[4]) || !Enum.IsDefined((RecipientKind)d[5]);
            var evidence = Choice(d[7], 8);
            undefined |= (evidence == 3 && !Enum.IsDefined((InstitutionKind)d[8])) || (evidence == 6 && !Enum.IsDefined((Fulfilment)d[9]));
        }

        return undefined;
    }

    /// <summary>Builds the case's request: through the public API with the raw values, or with defined values and the raw ones written past the checks.</summary>
    private static (PrivacyRequest Request, bool Undefined) BuildRequest(int[] d, bool inject)
    {
        var kind = Choice(d[0], 3);
        var subject = Choice(d[12], 5) switch { 0 => default, 1 => Bob, _ => Alice };
        var categories = CategoryPool.Where((_, i) => (d[10] >> i & 1) == 1).Select(c => new DataCategory(c)).ToArray();
        var purpose = new PurposeId(Pick(PurposePool, d[11]));
        var actorKind = (ActorKind)d[2];
        Actor actor = actorKind switch
        {
            ActorKind.Application => Actor.Application,
            ActorKind.Affiliate => Actor.Affiliate(Sister),
            ActorKind.Subject => Actor.Subject(Alice),
            ActorKind.User => Actor.User(Choice(d[3], 2) == 0 ? Alice : Mallory),
            ActorKind.ThirdParty => Actor.ThirdParty(new RecipientId(Pick(RecipientPool, d[3]))),
            _ => inject ? Actor.Application : WithStruct(Actor.Application, nameof(Actor.Kind), actorKind),
        };

        var occursAt = Choice(d[13], 6) switch
        {
            0 => Start.AddMinutes(-2),
            1 => Start.AddDays(-40),
            2 => Start.AddMinutes(1),
            _ => (DateTimeOffset?)null,
        };

        PrivacyRequest request;
        switch (kind)
        {
            case 0:
                request = new CollectionRequest(subject, categories, purpose, actor);
                break;
            case 1:
                var useAct = (ProcessingAct)d[1];
                request = new UseRequest(subject, categories, purpose, actor) { UseAct = inject && !Enum.IsDefined(useAct) ? ProcessingAct.Use : useAct };
                if (inject && !Enum.IsDefined(useAct))
                {
                    request = With(request, nameof(UseRequest.UseAct), useAct);
                }

                break;
            default:
                request = BuildDisclosure(d, inject, subject, categories, purpose, actor);
                break;
        }

        request = request with { OccursAt = occursAt };
        if (inject && !Enum.IsDefined(actorKind))
        {
            request = With(request with { }, nameof(PrivacyRequest.Actor), WithStruct(Actor.Application, nameof(Actor.Kind), actorKind));
        }

        return (request, DecisionEvaluator.HasUndefinedEnum(request));
    }

    private static DisclosureRequest BuildDisclosure(int[] d, bool inject, SubjectId subject, DataCategory[] categories, PurposeId purpose, Actor actor)
    {
        var transfer = (TransferKind)d[4];
        var recipientKind = (RecipientKind)d[5];
        var institution = (InstitutionKind)d[8];
        var fulfilment = (Fulfilment)d[9];
        var recipientId = Pick(RecipientPool, d[6]);
        DisclosureEvidence? Evidence(InstitutionKind i, Fulfilment f) => Choice(d[7], 8) switch
        {
            0 => null,
            1 => new ConsentEvidence(),
            2 => new ServiceNecessityEvidence(new ServiceId(StandardServices.Delivery), "order-1"),
            3 => new LegalRequirementEvidence(i, "District Court", "Civil Procedure Law art. 67", "warrant-1", categories),
            4 => new UserViolationEvidence(ViolationId.New()),
            5 => new IpComplaintEvidence("ipc-1", Alice, true, new RecipientId(recipientId), true),
            6 => new TransactionEvidence("order-1", ["alice", recipientId], recipientId, f, new TransactionApproval("operator", [])),
            _ => new OtherLegalEvidence("provision", categories),
        };

        if (!inject)
        {
            return new DisclosureRequest(subject, categories, purpose, new Recipient(recipientId, recipientKind), Evidence(institution, fulfilment), actor) { TransferKind = transfer };
        }

        var request = new DisclosureRequest(
            subject,
            categories,
            purpose,
            new Recipient(recipientId, Enum.IsDefined(recipientKind) ? recipientKind : RecipientKind.Partner),
            Evidence(Enum.IsDefined(institution) ? institution : InstitutionKind.Judicial, Enum.IsDefined(fulfilment) ? fulfilment : Fulfilment.Full),
            actor) { TransferKind = Enum.IsDefined(transfer) ? transfer : TransferKind.Share };
        if (!Enum.IsDefined(transfer))
        {
            request = With(request, nameof(DisclosureRequest.TransferKind), transfer);
        }

        if (!Enum.IsDefined(recipientKind))
        {
            request = With(request, nameof(DisclosureRequest.Recipient), WithStruct(request.Recipient, nameof(Recipient.Kind), recipientKind));
        }

        if (request.Evidence is LegalRequirementEvidence legal && !Enum.IsDefined(institution))
        {
            request = With(request, nameof(DisclosureRequest.Evidence), With(legal with { }, nameof(LegalRequirementEvidence.Institution), institution));
        }

        if (request.Evidence is TransactionEvidence transaction && !Enum.IsDefined(fulfilment))
        {
            request = With(request, nameof(DisclosureRequest.Evidence), With(transaction with { }, nameof(TransactionEvidence.RequestingPartyFulfilment), fulfilment));
        }

        return request;
    }

    private static byte[] Mutate(byte[] source, (int Op, int At, int Snippet, byte Byte, int Length)[] operations, string[] snippets)
    {
        var bytes = new List<byte>(source);
        foreach (var (op, rawAt, snippet, value, length) in operations)
        {
            var at = Math.Min(rawAt, bytes.Count);
            switch (op)
            {
                case 0 when at < bytes.Count:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(length, bytes.Count - at));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(snippets[snippet]));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    // Duplicate a member-sized slice in place.
                    var slice = bytes.GetRange(at, Math.Min(length, bytes.Count - at));
                    bytes.InsertRange(at, slice);
                    break;
            }
        }

        return [.. bytes];
    }

    private static string Describe(int[] d) => $"case [{string.Join(", ", d)}]";
}
