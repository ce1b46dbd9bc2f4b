namespace Privacy.Enforcement.WebSample.Profiles;

/// <summary>
/// The sample's two SQLite files: the library's stores in one, the shop's own EF Core data (<see cref="CenterDb"/>) in
/// the other. They sit in the folder set by <c>WebSample:DataDirectory</c>, by default a folder under the machine's
/// temporary directory.
/// </summary>
public sealed class SampleDatabase
{
    /// <summary>The configuration key of the data folder.</summary>
    public const string DataDirectoryKey = "WebSample:DataDirectory";

    /// <summary>Creates the description of the database in a folder, creating the folder.</summary>
    /// <param name="dataDirectory">The folder; null or empty for the default under the temporary directory.</param>
    public SampleDatabase(string? dataDirectory)
    {
        var directory = string.IsNullOrWhiteSpace(dataDirectory)
            ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "privacy-enforcement-websample")
            : dataDirectory;
        Directory.CreateDirectory(directory);
        FilePath = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, "privacy-center.db"));
        ConnectionString = $"Data Source={FilePath}";
        ShopFilePath = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, "shop.db"));
        ShopConnectionString = $"Data Source={ShopFilePath}";
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The connection string of the file.</summary>
    public string ConnectionString { get; }

    /// <summary>The full path of the shop's own database file (profiles and orders).</summary>
    public string ShopFilePath { get; }

    /// <summary>The connection string of the shop's own database file.</summary>
    public string ShopConnectionString { get; }
}
