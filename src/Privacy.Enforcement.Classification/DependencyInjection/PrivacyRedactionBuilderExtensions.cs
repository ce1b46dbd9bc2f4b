using Microsoft.Extensions.Compliance.Redaction;
using Privacy.Enforcement;
using Privacy.Enforcement.Classification;
using Privacy.Enforcement.Policies;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a redactor for every data category of the policy, chosen by the category's flags.</summary>
public static class PrivacyRedactionBuilderExtensions
{
    /// <summary>Registers redactors for the categories of the standard policy; see <see cref="SetPrivacyRedactors(IRedactionBuilder, PolicyDocument, Action{PrivacyRedactionOptions})"/>.</summary>
    /// <param name="builder">The redaction builder (<c>services.AddRedaction(b => ...)</c>).</param>
    /// <param name="configure">Configures the HMAC key and the modes.</param>
    /// <returns>The builder.</returns>
    public static IRedactionBuilder SetPrivacyRedactors(this IRedactionBuilder builder, Action<PrivacyRedactionOptions> configure) =>
        SetPrivacyRedactors(builder, StandardPolicy.Document, configure);

    /// <summary>
    /// Registers a redactor for each data category of <paramref name="policy"/>, by its (inherited) flags: credentials
    /// erased (<c>store.account-security</c>), contact-capable categories hashed with a keyed HMAC, every other category
    /// as <see cref="PrivacyRedactionOptions.OtherCategories"/> says; and, unless turned off, the erasing redactor for any
    /// classification no redactor is registered for.
    /// </summary>
    /// <param name="builder">The redaction builder (<c>services.AddRedaction(b => ...)</c>).</param>
    /// <param name="policy">The policy whose categories are registered.</param>
    /// <param name="configure">Configures the HMAC key and the modes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">A category is hashed but <see cref="PrivacyRedactionOptions.HmacKey"/> is missing, not base64 or too short.</exception>
    public static IRedactionBuilder SetPrivacyRedactors(this IRedactionBuilder builder, PolicyDocument policy, Action<PrivacyRedactionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PrivacyRedactionOptions();
        configure(options);
        var plan = PrivacyRedactionPlan.Create(policy, options);
        if (plan.Erased.Length > 0)
        {
            builder.SetRedactor<ErasingRedactor>(plan.Erased);
        }

        if (plan.Hashed.Length > 0)
        {
            var key = RequireKey(options);
            builder.SetHmacRedactor(
                hmac =>
                {
                    hmac.Key = key;
                    hmac.KeyId = options.HmacKeyId;
                },
                plan.Hashed);
        }

        if (options.EraseUnknownClassifications)
        {
            builder.SetFallbackRedactor<ErasingRedactor>();
        }

        return builder;
    }

    private static string RequireKey(PrivacyRedactionOptions options)
    {
        const string Name = nameof(PrivacyRedactionOptions) + "." + nameof(PrivacyRedactionOptions.HmacKey);
        var key = options.HmacKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException($"{Name} is required: contact data (or categories configured as {nameof(PrivacyRedactionMode.Hmac)}) is hashed with a keyed HMAC. Set it to the base64 of at least {PrivacyRedactionOptions.MinimumHmacKeyBytes} random bytes, or redact them with {nameof(PrivacyRedactionMode.Erase)}.", nameof(options));
        }

        var buffer = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, buffer, out var length) || length < PrivacyRedactionOptions.MinimumHmacKeyBytes)
        {
            throw new ArgumentException($"{Name} must be the base64 of at least {PrivacyRedactionOptions.MinimumHmacKeyBytes} random bytes.", nameof(options));
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        return key;
    }
}
