namespace Privacy.Enforcement.Auditing;

/// <summary>The exclusive lock of a JSON Lines file: an OS lock on <c>&lt;path&gt;.lock</c>, held open by the sink.</summary>
internal static class TrailFileLock
{
    private const int SharingViolation = 32; // Windows
    private const int LockViolation = 33; // Windows
    private const int WouldBlock = 11; // Unix (EWOULDBLOCK from flock)

    public static FileStream Acquire(string path, string what)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var lockPath = path + ".lock";
        try
        {
            // FileShare.None: an exclusive OS lock (flock on Unix), released by the OS when the process dies.
            return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            throw new IOException(
                $"The {what} file '{path}' is in use by another writer: its lock '{lockPath}' is held by another process or another sink in this one. " +
                "A JSON Lines audit trail serves one process; for several instances use a shared SQL trail (UseSqlite or UsePostgreSql).",
                ex);
        }
    }

    private static bool IsHeldElsewhere(IOException ex)
        => ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException)
           && (ex.HResult & 0xFFFF) is SharingViolation or LockViolation or WouldBlock;
}
