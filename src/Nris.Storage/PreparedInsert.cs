using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Nris.Storage;

/// <summary>
/// One INSERT of an entity type, prepared once inside the context's current transaction and executed for row after
/// row, optionally returning the store-generated key (<c>RETURNING</c>, which SQLite and PostgreSQL both have). For
/// writers that insert many small rows one at a time and need each key at once — the bulk demo generator writes a
/// report, then its version, then the version's values — where EF's SaveChanges per row costs more than the insert.
/// Columns, names and value conversions come from the EF model, as in <see cref="BulkInsert"/>.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class PreparedInsert<T> : IAsyncDisposable
    where T : class
{
    private readonly DbCommand _command;
    private readonly BulkInsert.Column[] _columns;
    private readonly DbParameter[] _parameters;
    private readonly bool _returning;

    internal PreparedInsert(DbCommand command, BulkInsert.Column[] columns, DbParameter[] parameters, bool returning)
    {
        _command = command;
        _columns = columns;
        _parameters = parameters;
        _returning = returning;
    }

    /// <summary>Inserts <paramref name="row"/>; returns its generated key, or 0 when the insert was prepared without one.</summary>
    public async Task<long> InsertAsync(T row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        for (var i = 0; i < _columns.Length; i++)
        {
            _parameters[i].Value = _columns[i].ProviderValue(row) ?? DBNull.Value;
        }
        try
        {
            if (!_returning)
            {
                await _command.ExecuteNonQueryAsync(cancellationToken);
                return 0;
            }
            return Convert.ToInt64(await _command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"Insert into {_command.CommandText.Split(' ')[2]} failed: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _command.DisposeAsync();
}

/// <summary>Creates <see cref="PreparedInsert{T}"/>s.</summary>
public static class PreparedInsert
{
    /// <summary>
    /// Prepares the INSERT on <paramref name="db"/>'s connection and current transaction. With
    /// <paramref name="returningKey"/> the entity must have one store-generated key column, which
    /// <see cref="PreparedInsert{T}.InsertAsync"/> returns.
    /// </summary>
    public static PreparedInsert<T> Create<T>(NrisDbContext db, bool returningKey)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("Prepared inserts run inside the caller's transaction.");
        var entityType = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the model.");
        var columns = entityType.GetProperties()
            .Where(p => p.ValueGenerated == ValueGenerated.Never)
            .Select(p => new BulkInsert.Column(p, p.GetColumnName(), (RelationalTypeMapping)p.GetTypeMapping()))
            .ToArray();
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        var sql = $"INSERT INTO {entityType.GetTableName()} ({string.Join(", ", columns.Select(c => c.Name))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)))})";
        if (returningKey)
        {
            var key = entityType.FindPrimaryKey()!.Properties;
            if (key.Count != 1 || key[0].ValueGenerated == ValueGenerated.Never)
            {
                throw new InvalidOperationException($"{typeof(T).Name} has no single store-generated key to return.");
            }
            sql += " RETURNING " + key[0].GetColumnName();
        }
        command.CommandText = sql;
        var parameters = new DbParameter[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            parameters[i] = columns[i].Mapping.CreateParameter(
                command, "@p" + i.ToString(CultureInfo.InvariantCulture), null, columns[i].Property.IsNullable);
            command.Parameters.Add(parameters[i]);
        }
        command.Prepare();
        return new PreparedInsert<T>(command, columns, parameters, returningKey);
    }
}
