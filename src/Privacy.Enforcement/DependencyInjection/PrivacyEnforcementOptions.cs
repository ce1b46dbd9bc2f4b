using Privacy.Enforcement.Policies;

namespace Privacy.Enforcement;

/// <summary>Options of the library, bindable from the <c>PrivacyEnforcement</c> configuration section and validated at start-up.</summary>
public sealed class PrivacyEnforcementOptions
{
    /// <summary>The configuration section the options bind from by default.</summary>
    public const string SectionName = "PrivacyEnforcement";

    private PolicyDocument? _policyDocument;
    private PublishedPolicy? _loaded;

    /// <summary>
    /// Gets or sets the path of a JSON policy document to enforce instead of the standard policy (bindable:
    /// <c>"PrivacyEnforcement": { "PolicyFile": "privacy-policy.json" }</c>).
    /// </summary>
    public string? PolicyFile
    {
        get;
        set
        {
            field = value;
            _loaded = null;
        }
    }

    /// <summary>Gets or sets the text of a JSON policy document to enforce instead of the standard policy.</summary>
    public string? PolicyJson
    {
        get;
        set
        {
            field = value;
            _loaded = null;
        }
    }

    /// <summary>Enforces the built-in standard policy (<see cref="StandardPolicy"/>); the default.</summary>
    /// <returns>The options.</returns>
    public PrivacyEnforcementOptions UseStandardPolicy()
    {
        ClearSource();
        return this;
    }

    /// <summary>Enforces the policy described by a JSON policy document.</summary>
    /// <param name="json">The document's JSON text.</param>
    /// <returns>The options.</returns>
    public PrivacyEnforcementOptions UsePolicyDocument(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        ClearSource();
        PolicyJson = json;
        return this;
    }

    /// <summary>Enforces a policy document built in code (for example with <see cref="PolicyBuilder"/>).</summary>
    /// <param name="document">The document.</param>
    /// <returns>The options.</returns>
    public PrivacyEnforcementOptions UsePolicyDocument(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        ClearSource();
        _policyDocument = document;
        return this;
    }

    /// <summary>Enforces the policy described by a JSON policy document file.</summary>
    /// <param name="path">The file's path.</param>
    /// <returns>The options.</returns>
    public PrivacyEnforcementOptions UsePolicyFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ClearSource();
        PolicyFile = path;
        return this;
    }

    /// <summary>Gets how many policy sources are set; more than one is a configuration error.</summary>
    internal int PolicySourceCount =>
        (string.IsNullOrWhiteSpace(PolicyFile) ? 0 : 1) + (string.IsNullOrWhiteSpace(PolicyJson) ? 0 : 1) + (_policyDocument is null ? 0 : 1);

    /// <summary>Gets a description of the policy source for messages (never its content).</summary>
    internal string PolicySourceDescription =>
        !string.IsNullOrWhiteSpace(PolicyFile) ? $"PolicyFile '{PolicyFile}'"
        : !string.IsNullOrWhiteSpace(PolicyJson) ? "PolicyJson"
        : _policyDocument is not null ? $"policy document '{_policyDocument.Id}'"
        : "the standard policy";

    /// <summary>Loads, validates and publishes the configured policy once; start-up validation and the catalog share the result.</summary>
    /// <returns>The policy in force at start-up.</returns>
    /// <exception cref="PolicyValidationException">The document is invalid.</exception>
    /// <exception cref="IOException">The policy file cannot be read.</exception>
    internal PublishedPolicy LoadPolicy()
    {
        if (_loaded is not null)
        {
            return _loaded;
        }

        if (!string.IsNullOrWhiteSpace(PolicyFile))
        {
            using var stream = File.OpenRead(PolicyFile);
            return _loaded = PolicyDocumentSerializer.Load(stream);
        }

        return _loaded = !string.IsNullOrWhiteSpace(PolicyJson) ? PolicyDocumentSerializer.Load(PolicyJson)
            : _policyDocument is not null ? PublishedPolicy.Create(_policyDocument)
            : StandardPolicy.Published;
    }

    private void ClearSource()
    {
        PolicyFile = null;
        PolicyJson = null;
        _policyDocument = null;
        _loaded = null;
    }
}
