using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Privacy.Enforcement.Auditing;

/// <summary>
/// One thread's SHA-256 for the hash chain. On Linux the runtime computes SHA-256 through OpenSSL's EVP interface,
/// which since OpenSSL 3.0 re-initialises the digest for every hash: about 0.25 µs of a 0.6 µs hash of a 700-byte
/// event, on the one thread that seals every event. Where the same libcrypto exports the SHA-256 functions themselves
/// (<c>SHA256_Init</c>, <c>SHA256_Update</c>, <c>SHA256_Final</c>; the same code and processor instructions, without the
/// re-initialisation), they are used instead, after a known-answer test against the runtime's own SHA-256; anywhere
/// else, or if anything about them is off, the runtime's <see cref="IncrementalHash"/> is used. Either way the digest
/// is the standard SHA-256 (the golden vectors pin it).
/// </summary>
internal sealed class AuditChainSha256 : IDisposable
{
    private const int ContextSize = 128; // SHA256_CTX is 112 bytes

    private static readonly Functions? Direct = Functions.TryLoad();

    private readonly IncrementalHash? _fallback;
    private readonly byte[] _context = new byte[ContextSize];

    public AuditChainSha256()
    {
        if (Direct is null)
        {
            _fallback = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        }
    }

    /// <summary>Gets a value indicating whether libcrypto's SHA-256 functions are used (for tests and diagnostics).</summary>
    internal static bool IsDirect => Direct is not null;

    /// <summary>Writes SHA-256(<paramref name="first"/> || <paramref name="second"/>) into <paramref name="digest"/>.</summary>
    public void Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> digest)
    {
        if (Direct is not { } direct)
        {
            _fallback!.AppendData(first);
            _fallback.AppendData(second);
            _fallback.GetHashAndReset(digest);
            return;
        }

        direct.Hash(_context, first, second, digest);
    }

    public void Dispose() => _fallback?.Dispose();

    /// <summary>libcrypto's SHA-256 functions, found and checked once.</summary>
    private sealed class Functions
    {
        private readonly Init _init;
        private readonly Update _update;
        private readonly Final _final;

        private Functions(Init init, Update update, Final final)
        {
            _init = init;
            _update = update;
            _final = final;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int Init(ref byte context);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int Update(ref byte context, ref byte data, nuint length);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int Final(ref byte digest, ref byte context);

        public static Functions? TryLoad()
        {
            if (!OperatingSystem.IsLinux())
            {
                return null;
            }

            try
            {
                foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
                {
                    if (NativeLibrary.TryLoad(name, out var library) &&
                        NativeLibrary.TryGetExport(library, "SHA256_Init", out var init) &&
                        NativeLibrary.TryGetExport(library, "SHA256_Update", out var update) &&
                        NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
                    {
                        var functions = new Functions(
                            Marshal.GetDelegateForFunctionPointer<Init>(init),
                            Marshal.GetDelegateForFunctionPointer<Update>(update),
                            Marshal.GetDelegateForFunctionPointer<Final>(final));
                        return functions.PassesKnownAnswers() ? functions : null;
                    }
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or MarshalDirectiveException)
            {
                // Not usable here: the runtime's SHA-256 it is.
            }

            return null;
        }

        public void Hash(byte[] context, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, Span<byte> digest)
        {
            if (digest.Length < 32)
            {
                throw new ArgumentException("A SHA-256 digest needs 32 bytes.", nameof(digest));
            }

            ref var state = ref MemoryMarshal.GetArrayDataReference(context);
            if (_init(ref state) != 1 ||
                _update(ref state, ref MemoryMarshal.GetReference(first), (nuint)first.Length) != 1 ||
                _update(ref state, ref MemoryMarshal.GetReference(second), (nuint)second.Length) != 1 ||
                _final(ref MemoryMarshal.GetReference(digest), ref state) != 1)
            {
                throw new CryptographicException("SHA-256 failed.");
            }
        }

        /// <summary>The functions give the runtime's digests: the standard "abc" vector, and inputs of one to many blocks, split anywhere.</summary>
        private bool PassesKnownAnswers()
        {
            var context = new byte[ContextSize];
            Span<byte> digest = stackalloc byte[32];
            Hash(context, "ab"u8, "c"u8, digest);
            if (!digest.SequenceEqual(Convert.FromHexString("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")))
            {
                return false;
            }

            var data = new byte[1000];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = (byte)(i * 31);
            }

            foreach (var (length, split) in (ReadOnlySpan<(int, int)>)[(0, 0), (55, 32), (64, 1), (736, 32), (1000, 999)])
            {
                Hash(context, data.AsSpan(0, split), data.AsSpan(split, length - split), digest);
                if (!digest.SequenceEqual(SHA256.HashData(data.AsSpan(0, length))))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
