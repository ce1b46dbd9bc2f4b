namespace Privacy.Enforcement.Tests.Shared;

/// <summary>Looks for what an erasure should have removed in the raw bytes a database left on disk.</summary>
internal static class KeyResidue
{
    /// <summary>The shortest run of a secret's bytes counted as residue: 16 bytes cannot recur by chance.</summary>
    public const int Window = 16;

    /// <summary>Reads a file another process or connection may hold open.</summary>
    public static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The offsets at which any <see cref="Window"/>-byte run of <paramref name="secret"/> starts in <paramref name="haystack"/>, with the offset of that run in the secret.</summary>
    public static List<(int At, int SecretOffset)> Find(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> secret)
    {
        var found = new List<(int, int)>();
        for (var offset = 0; offset + Window <= secret.Length; offset += Window)
        {
            var run = secret.Slice(offset, Window);
            var from = 0;
            while (from < haystack.Length)
            {
                var at = haystack[from..].IndexOf(run);
                if (at < 0)
                {
                    break;
                }

                found.Add((from + at, offset));
                from += at + 1;
            }
        }

        return found;
    }

    /// <summary>The whole secret-sized span at a hit, as an attacker would cut it out of the file.</summary>
    public static byte[]? Cut(byte[] haystack, (int At, int SecretOffset) hit, int length)
    {
        var start = hit.At - hit.SecretOffset;
        return start < 0 || start + length > haystack.Length ? null : haystack.AsSpan(start, length).ToArray();
    }
}
