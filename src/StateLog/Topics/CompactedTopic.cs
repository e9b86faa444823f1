using System;
using System.Buffers;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using MessagePack;
using MessagePack.Formatters;
using StateLog.Serialization;

namespace StateLog;

/// <summary>
/// The base of every generated typed client: <see cref="ICompactedTopic{TKey, T}"/> over a byte-level
/// <see cref="TopicLog"/>. Keys go through an <see cref="IKeyCodec{TKey}"/> (Kafka's layouts), values through the
/// generated MessagePack formatter; buffers come from <see cref="System.Buffers.ArrayPool{T}"/>.
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="int"/>, <see cref="long"/> or <see cref="Guid"/>.</typeparam>
/// <typeparam name="T">The value type.</typeparam>
public abstract class CompactedTopic<TKey, T> : ICompactedTopic<TKey, T>
{
    /// <summary>First rent for a put; most records fit, larger ones grow the buffer.</summary>
    private const int InitialBufferBytes = 256;

    /// <summary>The largest encoded key <see cref="GetAsync"/> keeps on the stack.</summary>
    private const int StackKeyBytes = 256;

    private readonly TopicLog _log;
    private readonly IKeyCodec<TKey> _keys;
    private readonly IMessagePackFormatter<T> _formatter;
    private readonly IMessagePackSpanFormatter<T>? _spanFormatter;
    private readonly MessagePackSerializerOptions _options;

    /// <summary>Opens (creating if needed) the topic <paramref name="name"/> on <paramref name="engine"/>.</summary>
    /// <param name="engine">The open engine.</param>
    /// <param name="name">The topic name.</param>
    /// <param name="partitions">The partition count.</param>
    /// <param name="keys">Encodes and decodes keys.</param>
    /// <param name="formatter">Writes and reads values.</param>
    /// <param name="options">The options passed to <paramref name="formatter"/>; their resolver serves member types.</param>
    protected CompactedTopic(
        StateLogEngine engine, string name, int partitions, IKeyCodec<TKey> keys, IMessagePackFormatter<T> formatter, MessagePackSerializerOptions options)
        : this((engine ?? throw new ArgumentNullException(nameof(engine))).GetTopic(name, partitions), keys, formatter, options)
    {
    }

    /// <summary>Wraps an open byte-level topic.</summary>
    /// <param name="log">The byte-level topic.</param>
    /// <param name="keys">Encodes and decodes keys.</param>
    /// <param name="formatter">Writes and reads values.</param>
    /// <param name="options">The options passed to <paramref name="formatter"/>; their resolver serves member types.</param>
    protected CompactedTopic(TopicLog log, IKeyCodec<TKey> keys, IMessagePackFormatter<T> formatter, MessagePackSerializerOptions options)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _keys = keys ?? throw new ArgumentNullException(nameof(keys));
        _formatter = formatter ?? throw new ArgumentNullException(nameof(formatter));
        _spanFormatter = formatter as IMessagePackSpanFormatter<T>;
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc/>
    public string Name => _log.Name;

    /// <summary>The key of <paramref name="value"/>: its <see cref="KeyAttribute"/> member.</summary>
    protected abstract TKey GetKey(T value);

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> or its key is null.</exception>
    public ValueTask<RecordPosition> PutAsync(T value, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        using var buffer = new PooledBufferWriter(InitialBufferBytes);
        var keyLength = WriteKey(buffer, GetKey(value), nameof(value));
        var writer = new MessagePackWriter(buffer);
        _formatter.Serialize(ref writer, value, _options);
        writer.Flush();
        var written = buffer.WrittenMemory;
        return StartAppend(written[..keyLength], written[keyLength..], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public ValueTask<RecordPosition> DeleteAsync(TKey key, CancellationToken cancellationToken = default)
    {
        using var buffer = EncodeKey(key);
        return StartAppend(buffer.WrittenMemory, null, cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="RecordSerializationException">The stored value is not a <typeparamref name="T"/>; the offset is -1 because a
    /// latest-value lookup does not report it.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see PartitionLog.GetLatest
    [SkipLocalsInit] // the key's stack buffer is read only where the codec wrote it
    public ValueTask<T?> GetAsync(TKey key, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T?>(cancellationToken);
        }

        // Not an async method (nothing here waits), but failures still travel in the task, as they would from one.
        byte[]? rented = null;
        try
        {
            // A key short enough is encoded on the stack: a read then rents and allocates nothing for it.
            var max = MaxKeyBytes(key);
            var encoded = max <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(max));
            encoded = encoded[..EncodeKey(key, encoded)];

            // Deserialized straight from the record's bytes: no intermediate array of the value.
            return ValueTask.FromResult(_log.GetLatest(encoded, (Topic: this, Key: key), [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (s, bytes) => s.Topic.DeserializeLatest(bytes, s.Key)));
        }
        catch (Exception e)
        {
            return ValueTask.FromException<T?>(e);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="RecordSerializationException">A stored key or value cannot be read; names its partition and offset.</exception>
    public async IAsyncEnumerable<StateRecord<TKey, T>> ReadAsync(
        ReadOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in _log.ReadAsync(options, cancellationToken).ConfigureAwait(false))
        {
            yield return ToStateRecord(record);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="RecordSerializationException">A stored value cannot be read; names its partition and offset.</exception>
    public async IAsyncEnumerable<T> GetAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in _log.GetAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Value is { } bytes)
            {
                yield return DeserializeAt(bytes, record.Partition, record.Offset);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => _log.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public ValueTask<CompactionResult> CompactAsync(CancellationToken cancellationToken = default) => _log.CompactAsync(cancellationToken);

    /// <inheritdoc/>
    public TopicStats GetStats() => _log.GetStats();

    /// <summary>
    /// Starts the log's append of a record (a tombstone when <paramref name="value"/> is null) encoded in a pooled
    /// buffer. The log copies key and value into its batch before it returns, so the caller returns the buffer to its
    /// pool at once instead of awaiting the write: no async state machine per put or delete, and pipelined ones share
    /// one batch and one completion (an async method would await each at once, and so ask for its write alone). An
    /// exception of the log's comes back in the task, as it would from an async method.
    /// </summary>
    private ValueTask<RecordPosition> StartAppend(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        try
        {
            return value is { } bytes ? _log.PutAsync(key, bytes, cancellationToken) : _log.DeleteAsync(key, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<RecordPosition>(e);
        }
    }

    private PooledBufferWriter EncodeKey(TKey key)
    {
        var buffer = new PooledBufferWriter(InitialBufferBytes);
        try
        {
            WriteKey(buffer, key, nameof(key));
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private int WriteKey(PooledBufferWriter buffer, TKey key, string argument)
    {
        var length = EncodeKey(key, buffer.GetSpan(MaxKeyBytes(key)), argument);
        buffer.Advance(length);
        return length;
    }

    /// <summary>The room <paramref name="key"/>'s encoding may need; none for a null key, which <see cref="EncodeKey(TKey, Span{byte}, string)"/> refuses.</summary>
    private int MaxKeyBytes(TKey key) => key is null ? 0 : _keys.GetMaxByteCount(key);

    /// <summary>Encodes <paramref name="key"/> into <paramref name="destination"/> (room for its maximum size) and returns the bytes written.</summary>
    private int EncodeKey(TKey key, Span<byte> destination, string argument = "key")
    {
        if (key is null)
        {
            throw new ArgumentNullException(argument, $"A key of topic '{Name}' cannot be null.");
        }

        return _keys.Encode(key, destination);
    }

    /// <summary>A stored value is contiguous, so a generated formatter reads it without <see cref="MessagePackReader"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T Deserialize(ReadOnlyMemory<byte> bytes)
    {
        if (_spanFormatter is { } generated)
        {
            var span = new MessagePackSpanReader(bytes);
            return generated.Deserialize(ref span, _options);
        }

        var reader = new MessagePackReader(bytes);
        return _formatter.Deserialize(ref reader, _options);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private T DeserializeLatest(ReadOnlyMemory<byte> bytes, TKey key)
    {
        try
        {
            return Deserialize(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The partition is only worked out on failure, to keep the key's encoding and murmur2 off the read path.
            using var encoded = EncodeKey(key);
            throw new RecordSerializationException(Name, _log.PartitionFor(encoded.WrittenMemory.Span), -1, typeof(T), ex);
        }
    }

    private T DeserializeAt(ReadOnlyMemory<byte> bytes, int partition, long offset)
    {
        try
        {
            return Deserialize(bytes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new RecordSerializationException(Name, partition, offset, typeof(T), ex);
        }
    }

    private StateRecord<TKey, T> ToStateRecord(LogRecord record)
    {
        TKey key;
        try
        {
            key = _keys.Decode(record.Key.Span);
        }
        catch (FormatException ex)
        {
            throw new RecordSerializationException(Name, record.Partition, record.Offset, typeof(TKey), ex);
        }

        var value = record.Value is { } bytes ? DeserializeAt(bytes, record.Partition, record.Offset) : default;
        return new StateRecord<TKey, T>(key, value, record.IsTombstone, record.Partition, record.Offset, record.Timestamp);
    }
}
