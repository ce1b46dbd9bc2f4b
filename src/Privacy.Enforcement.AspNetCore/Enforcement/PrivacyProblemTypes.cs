using System.Collections.Frozen;
using System.Text;

namespace Privacy.Enforcement.AspNetCore;

/// <summary>
/// The problem <c>type</c> URIs of a denied request (RFC 9457): one per <see cref="DecisionReason"/>, plus
/// <see cref="GlobalPrivacyControl"/> for a sale or share refused because the request carried <c>Sec-GPC: 1</c>.
/// </summary>
public static class PrivacyProblemTypes
{
    /// <summary>The default prefix.</summary>
    public const string DefaultPrefix = "urn:privacy-enforcement:deny:";

    /// <summary>The reason name of a sale or share refused under Global Privacy Control.</summary>
    public const string GlobalPrivacyControl = "global-privacy-control";

    private static readonly FrozenDictionary<DecisionReason, string> Names =
        Enum.GetValues<DecisionReason>().ToFrozenDictionary(static r => r, static r => Kebab(r.ToString()));

    private static readonly FrozenDictionary<ObligationKind, string> ObligationNames =
        Enum.GetValues<ObligationKind>().ToFrozenDictionary(static o => o, static o => Kebab(o.ToString()));

    /// <summary>The kebab-case name of an obligation (<c>renew-consent</c>), as a denied request's problem lists it.</summary>
    internal static string NameOf(ObligationKind obligation) =>
        ObligationNames.TryGetValue(obligation, out var name) ? name : ((int)obligation).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the kebab-case name of <paramref name="reason"/> (<c>consent-missing</c>).</summary>
    /// <param name="reason">The reason.</param>
    /// <returns>The name; <c>indeterminate</c> for a value outside the enum.</returns>
    public static string NameOf(DecisionReason reason) =>
        Names.TryGetValue(reason, out var name) ? name : Names[DecisionReason.Indeterminate];

    /// <summary>Gets the type URI of <paramref name="reason"/> under <paramref name="prefix"/>.</summary>
    /// <param name="reason">The reason.</param>
    /// <param name="prefix">The prefix; <see cref="DefaultPrefix"/> when <see langword="null"/>.</param>
    /// <returns>The URI.</returns>
    public static string TypeOf(DecisionReason reason, string? prefix = null) => (prefix ?? DefaultPrefix) + NameOf(reason);

    private static string Kebab(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
