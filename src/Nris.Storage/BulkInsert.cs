using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Nris.Storage;

/// <summary>
/// Inserts many rows of one entity type inside the context's current transaction, bypassing the change tracker:
/// binary COPY on PostgreSQL, one prepared INSERT reused for every row on SQLite. EF's SaveChanges took over
/// 20 seconds for the reference data (15,000 territories, 15,000 organizations, 11,000 successions); these take
/// well under one. Columns, names and value conversions are read from the EF model, so the two never drift apart.
/// </summary>
internal static class BulkInsert
{
    /// <summary>Inserts rows of one entity type inside the context's current transaction (see the type's remarks).</summary>
    public static async Task InsertAsync<T>(NrisDbContext db, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Bulk inserts run inside the caller's transaction.");
        var entityType = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the model.");
        var table = entityType.GetTableName()!;
        // Store-generated columns (the identity key) are left to the database, which numbers rows in insert order.
        var columns = entityType.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never)
            .Select(p => new Column(p, p.GetColumnName(), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();

        try
        {
            switch (db.Database.GetDbConnection())
            {
                case NpgsqlConnection npgsql:
                    await CopyAsync(npgsql, table, columns, rows, cancellationToken);
                    break;
                case SqliteConnection sqlite:
                    await InsertEachAsync(sqlite, (SqliteTransaction)transaction.GetDbTransaction(), table, columns, rows, cancellationToken);
                    break;
                default:
                    throw new NotSupportedException($"No bulk insert for {db.Database.ProviderName}.");
            }
        }
        catch (DbException e)
        {
            // Same exception type as SaveChanges, so callers handle a constraint violation the same way on both databases.
            throw new DbUpdateException($"Bulk insert into {table} failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// Inserts rows of an entity whose key is not store-generated, replacing the non-key columns of rows that already
    /// have the key: on PostgreSQL through a binary COPY into a temporary table and one INSERT … ON CONFLICT; on SQLite
    /// with one prepared INSERT … ON CONFLICT reused for every row.
    /// </summary>
    public static async Task UpsertAsync<T>(NrisDbContext db, IEnumerable<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Bulk upserts run inside the caller's transaction.");
        var entityType = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the model.");
        var table = entityType.GetTableName()!;
        var columns = entityType.GetProperties()
            .Select(p => new Column(p, p.GetColumnName(), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();
        var keyNames = entityType.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName()).ToArray();
        var list = string.Join(", ", columns.Select(c => c.Name));
        var conflict = $"ON CONFLICT ({string.Join(", ", keyNames)}) DO UPDATE SET " +
            string.Join(", ", columns.Where(c => !keyNames.Contains(c.Name)).Select(c => $"{c.Name} = excluded.{c.Name}"));
        try
        {
            switch (db.Database.GetDbConnection())
            {
                case NpgsqlConnection npgsql:
                    var stage = "stage_" + table;
                    await using (var create = npgsql.CreateCommand())
                    {
                        // LIKE copies the columns and NOT NULLs but not the key, so duplicates in the input reach ON CONFLICT.
                        create.CommandText = $"CREATE TEMP TABLE {stage} (LIKE {table}) ON COMMIT DROP";
                        await create.ExecuteNonQueryAsync(cancellationToken);
                    }

                    await CopyAsync(npgsql, stage, columns, rows, cancellationToken);
                    await using (var merge = npgsql.CreateCommand())
                    {
                        merge.CommandText = $"INSERT INTO {table} ({list}) SELECT {list} FROM {stage} {conflict}; DROP TABLE {stage}";
                        await merge.ExecuteNonQueryAsync(cancellationToken);
                    }

                    break;
                case SqliteConnection sqlite:
                    await InsertEachAsync(sqlite, (SqliteTransaction)transaction.GetDbTransaction(), table, columns, rows, cancellationToken, conflict);
                    break;
                default:
                    throw new NotSupportedException($"No bulk upsert for {db.Database.ProviderName}.");
            }
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"Bulk upsert into {table} failed: {e.Message}", e);
        }
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, string table, Column[] columns, IEnumerable<T> rows, CancellationToken cancellationToken)
    {
        var sql = $"COPY {table} ({string.Join(", ", columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(sql, cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            foreach (var column in columns)
            {
                var value = column.ProviderValue(row!);
                if (value is null)
                {
                    await importer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await importer.WriteAsync(value, PostgresType(value), cancellationToken);
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    // Binary COPY needs the exact wire type; the model only has these provider types.
    private static NpgsqlDbType PostgresType(object value) => value switch
    {
        string => NpgsqlDbType.Text,
        DateOnly => NpgsqlDbType.Date,
        decimal => NpgsqlDbType.Numeric,
        int => NpgsqlDbType.Integer,
        long => NpgsqlDbType.Bigint,
        bool => NpgsqlDbType.Boolean,
        byte[] => NpgsqlDbType.Bytea,
        _ => throw new NotSupportedException($"No COPY type for {value.GetType().Name}."),
    };

    // Rows per statement on SQLite: one INSERT … VALUES (…), (…), … of this many rows, prepared once, for the full
    // chunks, and the one-row INSERT for the rest. Each ExecuteNonQuery costs far more in Microsoft.Data.Sqlite (a
    // reader, a reset, bookkeeping) than binding a row; 32 rows a statement roughly halved the bulk demo loader's value
    // inserts. SQLite inserts a statement's rows in order, one after another, so row ids and ON CONFLICT behave as for
    // one statement per row.
    private const int RowsPerStatement = 32;

    private static async Task InsertEachAsync<T>(
        SqliteConnection connection,
        SqliteTransaction transaction,
        string table,
        Column[] columns,
        IEnumerable<T> rows,
        CancellationToken cancellationToken,
        string? suffix = null)
    {
        SqliteCommand Prepare(int rowCount, out DbParameter[] parameters)
        {
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            var tuples = Enumerable.Range(0, rowCount).Select(r => "(" + string.Join(", ", columns.Select((_, i) =>
                "@p" + ((r * columns.Length) + i).ToString(System.Globalization.CultureInfo.InvariantCulture))) + ")");
            command.CommandText =
                $"INSERT INTO {table} ({string.Join(", ", columns.Select(c => c.Name))}) VALUES {string.Join(", ", tuples)}" +
                (suffix is null ? "" : " " + suffix);
            // The parameters are made once, by EF's own type mapping (so DbType and SqliteType are what SaveChanges would
            // use), and only their values change per row: re-creating 9 to 14 parameters per row was a third of the time
            // of a 100,000-row insert.
            parameters = new DbParameter[rowCount * columns.Length];
            for (var p = 0; p < parameters.Length; p++)
            {
                var column = columns[p % columns.Length];
                parameters[p] = column.Mapping.CreateParameter(
                    command, "@p" + p.ToString(System.Globalization.CultureInfo.InvariantCulture), null, column.Property.IsNullable);
                command.Parameters.Add(parameters[p]);
            }
            command.Prepare();
            return command;
        }

        void Bind(DbParameter[] parameters, int row, T entity)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                // Provider values as EF converts them (enums as names); Microsoft.Data.Sqlite binds decimals and dates in
                // the same text forms as EF's SQLite mappings.
                parameters[(row * columns.Length) + i].Value = columns[i].ProviderValue(entity!) ?? DBNull.Value;
            }
        }

        SqliteCommand? one = null, many = null;
        DbParameter[] oneParameters = [], manyParameters = [];
        try
        {
            var buffer = new T[RowsPerStatement];
            var count = 0;
            foreach (var row in rows)
            {
                buffer[count++] = row;
                if (count == RowsPerStatement)
                {
                    many ??= Prepare(RowsPerStatement, out manyParameters);
                    for (var r = 0; r < count; r++)
                    {
                        Bind(manyParameters, r, buffer[r]);
                    }

                    await many.ExecuteNonQueryAsync(cancellationToken);
                    count = 0;
                }
            }

            for (var r = 0; r < count; r++)
            {
                one ??= Prepare(1, out oneParameters);
                Bind(oneParameters, 0, buffer[r]);
                await one.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            if (one is not null)
            {
                await one.DisposeAsync();
            }

            if (many is not null)
            {
                await many.DisposeAsync();
            }
        }
    }

    internal sealed class Column(IProperty property, string name, RelationalTypeMapping mapping)
    {
        // A compiled getter: reflection's PropertyInfo.GetValue per cell cost more than the insert itself.
        private readonly Func<object, object?> _get = CompileGetter(property.PropertyInfo!);
        private readonly Func<object?, object?>? _toProvider = mapping.Converter?.ConvertToProvider;

        public IProperty Property => property;

        public string Name => name;

        public RelationalTypeMapping Mapping => mapping;

        public object? ProviderValue(object entity)
        {
            var value = _get(entity);
            return value is null ? null : _toProvider is null ? value : _toProvider(value);
        }

        private static Func<object, object?> CompileGetter(System.Reflection.PropertyInfo info)
        {
            var entity = System.Linq.Expressions.Expression.Parameter(typeof(object), "entity");
            var body = System.Linq.Expressions.Expression.Convert(
                System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Convert(entity, info.DeclaringType!), info),
                typeof(object));
            return System.Linq.Expressions.Expression.Lambda<Func<object, object?>>(body, entity).Compile();
        }
    }
}
