using Nris.Exchange.Model;

namespace Nris.Exchange.Internal;

/// <summary>
/// A read-only pass-through that stops a reader once the input exceeds <see cref="ExchangeLimits.MaxBytes"/>, and
/// checks the cancellation token on every read, so that streaming readers never need the length up front and a
/// stalled or endless upload cannot hold a request forever.
/// </summary>
internal sealed class LimitedStream(Stream inner, long maxBytes, CancellationToken cancellationToken) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var n = inner.Read(buffer);
        Count(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        Count(n);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private void Count(int n)
    {
        _read += n;
        if (_read > maxBytes)
        {
            throw new ExchangeFormatException(Errors.TooLarge(maxBytes));
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
