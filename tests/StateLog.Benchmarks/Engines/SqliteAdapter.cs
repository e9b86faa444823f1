using System;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Engines;

/// <summary>
/// SQLite through Microsoft.Data.Sqlite: one table <c>kv(k BLOB PRIMARY KEY, v BLOB) WITHOUT ROWID</c>, WAL journal,
/// 64 MiB page cache, a prepared upsert (<c>INSERT .. ON CONFLICT DO UPDATE</c>) run once per record inside one
/// transaction per batch. Sync: <c>synchronous=FULL</c> (each commit fsyncs the WAL); buffered: <c>synchronous=OFF</c>
/// and, at the end, a <c>wal_checkpoint(TRUNCATE)</c> under <c>synchronous=FULL</c>. Compaction = checkpoint then
/// <c>VACUUM</c> (SQLite updates in place, so only free pages are reclaimed). Scan = <c>SELECT k, v</c>; reads =
/// a prepared <c>SELECT v WHERE k = $k</c>.
/// </summary>
internal sealed class SqliteAdapter : IEngineAdapter
{
    private SqliteConnection? _connection;
    private SqliteCommand? _upsert;
    private SqliteCommand? _get;
    private bool? _synchronous;

    public string Configuration => "SQLite (Microsoft.Data.Sqlite), WAL, WITHOUT ROWID, 64 MiB cache, prepared upsert, one transaction per batch, sync = synchronous FULL, compaction = VACUUM";

    public ValueTask OpenAsync(string directory)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = System.IO.Path.Combine(directory, "kv.db"),
            Pooling = false,
        }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536; CREATE TABLE IF NOT EXISTS kv (k BLOB PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID;");

        _upsert = _connection.CreateCommand();
        _upsert.CommandText = "INSERT INTO kv (k, v) VALUES ($k, $v) ON CONFLICT (k) DO UPDATE SET v = excluded.v";
        _upsert.Parameters.Add("$k", SqliteType.Blob);
        _upsert.Parameters.Add("$v", SqliteType.Blob);
        _upsert.Prepare();

        _get = _connection.CreateCommand();
        _get.CommandText = "SELECT v FROM kv WHERE k = $k";
        _get.Parameters.Add("$k", SqliteType.Blob);
        _get.Prepare();
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(Workload workload, int start, int count, bool sync)
    {
        SetSynchronous(sync);
        var upsert = _upsert!;
        using var transaction = Connection.BeginTransaction();
        upsert.Transaction = transaction;
        for (var i = start; i < start + count; i++)
        {
            upsert.Parameters[0].Value = workload.UpdateKey(i);
            upsert.Parameters[1].Value = workload.UpdateValue(i).ToArray(); // the provider binds only whole byte arrays
            upsert.ExecuteNonQuery();
        }

        transaction.Commit();
        upsert.Transaction = null;
        return ValueTask.CompletedTask;
    }

    public ValueTask SyncAsync()
    {
        SetSynchronous(true);
        Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        return ValueTask.CompletedTask;
    }

    public ValueTask CompactAsync()
    {
        SetSynchronous(true);
        Execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
        return ValueTask.CompletedTask;
    }

    public ValueTask ScanAsync(IScanSink sink)
    {
        using var scan = Connection.CreateCommand();
        scan.CommandText = "SELECT k, v FROM kv";
        using var reader = scan.ExecuteReader();
        while (reader.Read())
        {
            sink.Accept(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<byte[]?> GetAsync(byte[] key)
    {
        var get = _get!;
        get.Parameters[0].Value = key;
        using var reader = get.ExecuteReader();
        return ValueTask.FromResult(reader.Read() ? reader.GetFieldValue<byte[]>(0) : null);
    }

    public ValueTask DisposeAsync()
    {
        _upsert?.Dispose();
        _get?.Dispose();
        _connection?.Dispose();
        _connection = null;
        return ValueTask.CompletedTask;
    }

    private SqliteConnection Connection => _connection ?? throw new InvalidOperationException("SQLite is not open.");

    private void SetSynchronous(bool synchronous)
    {
        if (_synchronous != synchronous)
        {
            Execute(synchronous ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=OFF;");
            _synchronous = synchronous;
        }
    }

    private void Execute(string sql)
    {
        using var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
