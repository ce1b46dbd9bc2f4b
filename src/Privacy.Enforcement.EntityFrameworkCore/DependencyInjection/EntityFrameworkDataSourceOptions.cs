using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.EntityFrameworkCore;

/// <summary>What the SaveChanges interceptor does when a collection decision is not a full Permit.</summary>
public enum PersonalDataSavingMode
{
    /// <summary>Refuse the save (<see cref="PersonalDataDeniedException"/>) before any SQL is sent.</summary>
    Enforce = 0,

    /// <summary>Save anyway: the decision is still made and audited, and a warning is logged. For adopting the library on an existing application; credentials are refused in both modes.</summary>
    AuditOnly = 1,
}

/// <summary>Configures the personal data source and SaveChanges interceptor of one <c>DbContext</c> type.</summary>
public sealed class EntityFrameworkDataSourceOptions
{
    /// <summary>Gets or sets the data source's name (no personal data); the context type's name when not set.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets who operates the database (<c>store.location</c>); the application by default.</summary>
    public DataSourceOperator Operator { get; set; } = DataSourceOperator.Application;

    /// <summary>Gets or sets the purpose of writes made outside any <see cref="PrivacyScope"/>; with none, such a write of personal data is refused.</summary>
    public string? DefaultPurpose { get; set; }

    /// <summary>Gets or sets whether a refused collection stops the save or is only audited.</summary>
    public PersonalDataSavingMode Mode { get; set; } = PersonalDataSavingMode.Enforce;
}
