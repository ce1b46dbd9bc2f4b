using System.Runtime.CompilerServices;

namespace Privacy.Enforcement.Auditing;

/// <summary>Splits a stream into lines (without the <c>\n</c>).</summary>
internal static class JsonLines
{
    public readonly record struct Line(ReadOnlyMemory<byte> Bytes, long Offset, bool Complete);

    /// <summary>Reads lines up to <paramref name="maxLength"/> bytes; each line's memory is valid until the next one is read.</summary>
    public static async IAsyncEnumerable<Line> ReadAsync(Stream stream, long maxLength, bool includeIncompleteTail, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        int start = 0, end = 0;
        long consumed = 0; // file offset of buffer[start]
        long remaining = maxLength;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                yield return new Line(buffer.AsMemory(start, newline), consumed, true);
                start += newline + 1;
                consumed += newline + 1;
                continue;
            }

            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var toRead = (int)Math.Min(buffer.Length - end, remaining);
            var read = toRead == 0 ? 0 : await stream.ReadAsync(buffer.AsMemory(end, toRead), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                if (end > 0 && includeIncompleteTail)
                {
                    yield return new Line(buffer.AsMemory(0, end), consumed, false);
                }

                yield break;
            }

            end += read;
            remaining -= read;
        }
    }
}
