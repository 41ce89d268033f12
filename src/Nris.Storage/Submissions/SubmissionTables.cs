using Microsoft.EntityFrameworkCore;

namespace Nris.Storage.Submissions;

/// <summary>
/// The bulk writes of a submission, inside the caller's appending transaction: a version's values and the
/// current-values view. They go through the same fast paths as the catalogue (binary COPY on PostgreSQL, one prepared
/// statement on SQLite), because a submission may carry 100,000 values.
/// </summary>
public static class SubmissionTables
{
    /// <summary>Inserts the values of one version.</summary>
    public static Task InsertValuesAsync(NrisDbContext db, IEnumerable<ReportValueEntity> values, CancellationToken cancellationToken) =>
        BulkInsert.InsertAsync(db, values, cancellationToken);

    /// <summary>
    /// Makes <paramref name="values"/> the report's current values: its previous current rows go, then the new ones
    /// are upserted. A cell another report of the same source and period also reported takes the latest value.
    /// </summary>
    public static async Task ReplaceCurrentAsync(
        NrisDbContext db, long reportId, IEnumerable<CurrentValueEntity> values, CancellationToken cancellationToken)
    {
        await RemoveCurrentAsync(db, reportId, cancellationToken);
        await BulkInsert.UpsertAsync(db, values, cancellationToken);
    }

    /// <summary>
    /// Makes the values of one stored version (already in report_values) the report's current values, with one
    /// set-based statement instead of sending every row again: its previous current rows go, then INSERT … SELECT from
    /// report_values with the same "latest value wins" upsert as <see cref="ReplaceCurrentAsync"/>.
    /// </summary>
    public static async Task ReplaceCurrentFromVersionAsync(
        NrisDbContext db, long reportId, long versionId, int version, long ledgerSequence, string period, string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await RemoveCurrentAsync(db, reportId, cancellationToken);
        await db.Database.ExecuteSqlRawAsync(CopyVersionSql(db), [period, source, reportId, versionId, version, ledgerSequence, versionId],
            cancellationToken);
    }

    /// <summary>
    /// <see cref="ReplaceCurrentFromVersionAsync"/> for a report created in the caller's transaction, which has no
    /// current rows to take out yet: only the INSERT … SELECT (the bulk demo loader writes millions of new reports, and
    /// the DELETE per report was a query compiled and run for nothing).
    /// </summary>
    public static Task InsertCurrentFromNewVersionAsync(
        NrisDbContext db, long reportId, long versionId, int version, long ledgerSequence, string period, string source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ExecuteSqlRawAsync(CopyVersionSql(db), [period, source, reportId, versionId, version, ledgerSequence, versionId],
            cancellationToken);
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.EntityFrameworkCore.Metadata.IModel, string> CopyVersionSqls = [];

    // Built from the EF model (column names of both tables, the current view's key), so it follows the mappings; once per model.
    private static string CopyVersionSql(NrisDbContext db) => CopyVersionSqls.GetValue(db.Model, _ => BuildCopyVersionSql(db));

    private static string BuildCopyVersionSql(NrisDbContext db)
    {
        var current = db.Model.FindEntityType(typeof(CurrentValueEntity))!;
        var values = db.Model.FindEntityType(typeof(ReportValueEntity))!;
        // Columns the version's row supplies; the others are the same for every row and come as parameters {0}..{5}.
        string[] fromValues =
        [
            nameof(CurrentValueEntity.IndicatorCode), nameof(CurrentValueEntity.Disaggregation), nameof(CurrentValueEntity.TerritoryCode),
            nameof(CurrentValueEntity.Number), nameof(CurrentValueEntity.Text), nameof(CurrentValueEntity.Flag),
            nameof(CurrentValueEntity.Status), nameof(CurrentValueEntity.Note),
        ];
        var fromParameters = new Dictionary<string, string>
        {
            [nameof(CurrentValueEntity.Period)] = "{0}",
            [nameof(CurrentValueEntity.Source)] = "{1}",
            [nameof(CurrentValueEntity.ReportId)] = "{2}",
            [nameof(CurrentValueEntity.ReportVersionId)] = "{3}",
            [nameof(CurrentValueEntity.Version)] = "{4}",
            [nameof(CurrentValueEntity.LedgerSequence)] = "{5}",
        };
        var targets = new List<string>();
        var sources = new List<string>();
        foreach (var property in current.GetProperties())
        {
            targets.Add(property.GetColumnName());
            sources.Add(fromParameters.TryGetValue(property.Name, out var parameter)
                ? parameter
                : fromValues.Contains(property.Name)
                    ? "v." + values.FindProperty(property.Name)!.GetColumnName()
                    : throw new InvalidOperationException($"current_values column {property.Name} has no source."));
        }
        var keyNames = current.FindPrimaryKey()!.Properties.Select(p => p.GetColumnName()).ToArray();
        var versionColumn = values.FindProperty(nameof(ReportValueEntity.VersionId))!.GetColumnName();
        return $"INSERT INTO {current.GetTableName()} ({string.Join(", ", targets)}) " +
            $"SELECT {string.Join(", ", sources)} FROM {values.GetTableName()} v WHERE v.{versionColumn} = {{6}} " +
            $"ON CONFLICT ({string.Join(", ", keyNames)}) DO UPDATE SET " +
            string.Join(", ", targets.Where(t => !keyNames.Contains(t)).Select(t => $"{t} = excluded.{t}"));
    }

    /// <summary>Takes a report's values out of the current view.</summary>
    public static Task<int> RemoveCurrentAsync(NrisDbContext db, long reportId, CancellationToken cancellationToken) =>
        db.CurrentValues.Where(c => c.ReportId == reportId).ExecuteDeleteAsync(cancellationToken);
}
