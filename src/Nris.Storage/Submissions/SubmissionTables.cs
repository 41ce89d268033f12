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

    /// <summary>Takes a report's values out of the current view.</summary>
    public static Task<int> RemoveCurrentAsync(NrisDbContext db, long reportId, CancellationToken cancellationToken) =>
        db.CurrentValues.Where(c => c.ReportId == reportId).ExecuteDeleteAsync(cancellationToken);
}
