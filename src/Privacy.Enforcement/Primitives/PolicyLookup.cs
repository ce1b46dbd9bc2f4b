using System.Globalization;
using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement;

/// <summary>Checks the ids a service is given against the declarations of the policy in force.</summary>
internal static class PolicyLookup
{
    /// <summary>Creates the error for an invalid field: the message names the field and <see cref="ArgumentException.ParamName"/> carries it.</summary>
    /// <param name="field">The field.</param>
    /// <param name="message">What is wrong.</param>
    /// <returns>The exception to throw.</returns>
    public static ArgumentException Invalid(string field, string message) => new(message, field);

    public static RecipientDefinition? FindRecipient(this PolicyDocument policy, RecipientId id)
    {
        foreach (var recipient in policy.Recipients)
        {
            if (string.Equals(recipient.Id, id.Value, StringComparison.Ordinal))
            {
                return recipient;
            }
        }

        return null;
    }

    public static bool DeclaresService(this PolicyDocument policy, ServiceId id)
    {
        foreach (var service in policy.Services)
        {
            if (string.Equals(service.Id, id.Value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static bool DeclaresCategory(this PolicyDocument policy, DataCategory category)
    {
        foreach (var definition in policy.Categories)
        {
            if (string.Equals(definition.Id, category.Value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Validates a list of categories: each set and declared by the policy; returns them without duplicates.</summary>
    /// <param name="policy">The policy in force.</param>
    /// <param name="categories">The categories.</param>
    /// <param name="field">The field name for the error.</param>
    /// <param name="clause">The clause the error cites.</param>
    /// <param name="allowEmpty">Whether no category is valid.</param>
    /// <returns>The categories, de-duplicated, in the given order.</returns>
    public static DataCategory[] ValidateCategories(this PublishedPolicy policy, IReadOnlyList<DataCategory>? categories, string field, string clause, bool allowEmpty)
    {
        if (categories is null || (categories.Count == 0 && !allowEmpty))
        {
            throw new ArgumentException($"{field} must name at least one data category ({clause}).", field);
        }

        var result = new List<DataCategory>(categories.Count);
        foreach (var category in categories)
        {
            if (category.IsEmpty)
            {
                throw new ArgumentException($"{field} contains an empty data category ({clause}).", field);
            }

            if (!policy.Document.DeclaresCategory(category))
            {
                throw new ArgumentException($"{field} contains the data category '{category.Value}', which policy {policy.Version} does not declare ({clause}).", field);
            }

            if (!result.Contains(category))
            {
                result.Add(category);
            }
        }

        return [.. result];
    }

    /// <summary>Validates a free-text reference or reason: present, bounded, without control characters.</summary>
    /// <param name="value">The text.</param>
    /// <param name="field">The field name for the error.</param>
    /// <returns>The text.</returns>
    public static string ValidateText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{field} is required and must not be blank.", field);
        }

        if (value.Length > 1024)
        {
            throw new ArgumentException($"{field} is longer than 1024 characters.", field);
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsControl(c))
            {
                throw new ArgumentException($"{field} contains the control character U+{(int)c:X4} at position {i}.", field);
            }

            int codePoint = c;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, value[i + 1]);
            }
            else if (char.IsSurrogate(c))
            {
                throw new ArgumentException($"{field} contains a lone surrogate at position {i} (not valid text).", field);
            }

            // The text is shown to people and kept as evidence: an invisible or direction-changing character (format,
            // line or paragraph separator: zero-width characters, bidirectional overrides and isolates) would make
            // two references look alike or one read reversed, as identifiers refuse them.
            var category = CharUnicodeInfo.GetUnicodeCategory(codePoint);
            if (category is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                var kind = category switch
                {
                    UnicodeCategory.Format => "format, Cf",
                    UnicodeCategory.LineSeparator => "line separator, Zl",
                    _ => "paragraph separator, Zp",
                };
                throw new ArgumentException($"{field} contains the invisible or direction-changing character U+{codePoint:X4} ({kind}) at position {i}.", field);
            }

            if (codePoint > char.MaxValue)
            {
                i++;
            }
        }

        return value;
    }
}
