namespace Privacy.Enforcement.Tool.Tests;

/// <summary>A folder of throwaway files, deleted with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Directory.CreateTempSubdirectory("privacy-tool-").FullName;

    public string Write(string name, string content)
    {
        var file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => System.IO.Directory.Delete(Path, recursive: true);
}
