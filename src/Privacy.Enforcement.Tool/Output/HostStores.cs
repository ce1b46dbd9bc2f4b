using Microsoft.Extensions.DependencyInjection;
using Privacy.Enforcement.Storage;

namespace Privacy.Enforcement.Tool.Output;

/// <summary>The host's stores named on the command line (<c>--sqlite FILE</c> or <c>--postgres CONNECTION-STRING</c>), opened to read.</summary>
internal static class HostStores
{
    /// <summary>Registers the stores; a SQLite file must exist and is opened read-only, never created.</summary>
    public static void Use(PrivacyEnforcementBuilder builder, string? sqlite, string? postgres, string? schema)
    {
        if (sqlite is not null)
        {
            if (!File.Exists(sqlite))
            {
                throw new ToolException($"The SQLite file '{sqlite}' does not exist. Give the database file the host writes (its connection string's Data Source).");
            }

            builder.UseSqlite($"Data Source={sqlite};Mode=ReadOnly");
        }
        else if (postgres is not null)
        {
            builder.UsePostgreSql(postgres, o =>
            {
                if (schema is not null)
                {
                    o.Schema = schema;
                }
            });
        }
    }

    /// <summary>A store that cannot be read, said as what to check.</summary>
    public static ToolException Unreadable(PrivacyStoreException exception) =>
        new($"The store could not be read ({exception.Message}). Check the file or connection string, and that the host created its schema.", exception);
}
