using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Nris.Storage;

/// <summary>
/// Sets the per-connection SQLite pragmas every time EF opens a connection: WAL lets readers (the dashboard)
/// run while a writer appends; foreign keys are off by default in SQLite and must be asked for per connection;
/// synchronous=NORMAL is durable enough under WAL (a power cut loses at most the last commits, never the file).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static SqlitePragmas Instance { get; } = new();

    private const string Sql = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = Sql;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
