using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Privacy.Enforcement.InMemory;

namespace Privacy.Enforcement.Benchmarks.SubjectRights;

/// <summary>
/// Encrypting and decrypting one 64-byte field: raw <see cref="AesGcm"/> (random nonce, no associated data) against the
/// library's subject data key (version byte, random nonce, subject+field associated data), and the full path through
/// <see cref="SubjectFieldEncryptor"/> that loads and unwraps the subject's key for each field.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 5)]
public class FieldEncryptionBenchmarks
{
    private static readonly SubjectId Subject = new("subject-000042");
    private readonly byte[] _plaintext = RandomNumberGenerator.GetBytes(64);
    private readonly byte[] _rawNonce = new byte[12];
    private readonly byte[] _rawCiphertext = new byte[64];
    private readonly byte[] _rawTag = new byte[16];
    private readonly byte[] _rawOutput = new byte[64];
    private readonly byte[] _libraryOutput = new byte[SubjectDataKey.GetCiphertextLength(64)];
    private AesGcm _raw = null!;
    private SubjectDataKey _key = null!;
    private SubjectFieldEncryptor _encryptor = null!;
    private AesGcmKeyEncryptionKeyProvider _kek = null!;
    private byte[] _libraryCiphertext = null!;

    [GlobalSetup]
    public void Setup()
    {
        _raw = new AesGcm(RandomNumberGenerator.GetBytes(32), 16);
        RandomNumberGenerator.Fill(_rawNonce);
        _raw.Encrypt(_rawNonce, _plaintext, _rawCiphertext, _rawTag);
        _kek = new AesGcmKeyEncryptionKeyProvider(new Dictionary<int, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, 1);
        _encryptor = new SubjectFieldEncryptor(new InMemorySubjectKeyStore(), _kek, TimeProvider.System);
        _key = _encryptor.GetOrCreateKeyAsync(Subject, default).AsTask().GetAwaiter().GetResult();
        _libraryCiphertext = _key.Encrypt("contact.phone", _plaintext);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _raw.Dispose();
        _key.Dispose();
        _kek.Dispose();
    }

    [Benchmark(Baseline = true)]
    public byte[] RawAesGcmEncrypt()
    {
        RandomNumberGenerator.Fill(_rawNonce);
        _raw.Encrypt(_rawNonce, _plaintext, _rawOutput, _rawTag);
        return _rawOutput;
    }

    [Benchmark]
    public byte[] LibraryEncryptIntoBuffer()
    {
        _key.Encrypt("contact.phone", _plaintext, _libraryOutput);
        return _libraryOutput;
    }

    [Benchmark]
    public byte[] LibraryEncrypt() => _key.Encrypt("contact.phone", _plaintext);

    [Benchmark]
    public byte[] RawAesGcmDecrypt()
    {
        _raw.Decrypt(_rawNonce.AsSpan(), _rawCiphertext, _rawTag, _rawOutput);
        return _rawOutput;
    }

    [Benchmark]
    public byte[] LibraryDecrypt() => _key.Decrypt("contact.phone", _libraryCiphertext);

    [Benchmark]
    public byte[] EncryptorEncryptWithKeyLookup() => _encryptor.EncryptAsync(Subject, "contact.phone", _plaintext, default).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public byte[] EncryptorDecryptWithKeyLookup() => _encryptor.DecryptAsync(Subject, "contact.phone", _libraryCiphertext, default).AsTask().GetAwaiter().GetResult();
}
