using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Nris.Core.Aggregation;
using Nris.Core.Catalogue;
using Nris.Core.Ledger;
using Nris.Core.Oversight;
using Nris.Core.Periods;
using Nris.Core.Security;
using Nris.Server.Aggregation;
using Nris.Server.Api;
using Nris.Server.Catalogue;
using Nris.Server.Ledger;
using Nris.Server.Requests;
using Nris.Storage;
using Nris.Storage.Ledger;

namespace Nris.Server.Oversight;

/// <summary>A target's progress as the API returns it.</summary>
public sealed record TargetProgressDto(
    string Code, string Indicator, string Territory, int Year, TargetKind Kind, decimal Target, bool HigherIsBetter,
    string LegalBasis, string LegalBasisEn, string? Source, bool IsDemo, IReadOnlyList<TargetMilestone> Milestones,
    decimal? Actual, decimal? Needed, string Pace, TargetStatus Status, string? LastPeriod, string ExplanationVi, string ExplanationEn);

/// <summary>The body of <c>PUT /api/oversight/targets/{code}</c>: the whole target (the file format's fields).</summary>
public sealed record TargetInput(
    string? IndicatorCode, string? TerritoryCode, int? Year, string? Kind, decimal? Value, bool? HigherIsBetter,
    string? LegalBasis, string? LegalBasisEn, string? Source, IReadOnlyList<TargetMilestoneInput?>? Milestones);

/// <summary>One milestone of a <see cref="TargetInput"/>: a month or quarter of the target's year and the value due by its end.</summary>
public sealed record TargetMilestoneInput(string? Period, decimal? Value);

/// <summary>The body of <c>POST /api/oversight/targets/{code}/retire</c>.</summary>
public sealed record RetireTargetInput(string? Reason);

/// <summary>A target as stored after a change, with the ledger entry that recorded it.</summary>
public sealed record TargetChangeDto(Target Target, bool Retired, long LedgerSequence, string AssignedBy);

/// <summary>
/// Assigned targets (chỉ tiêu được giao) and their progress from the aggregates. The targets shipped in
/// <c>catalogue/targets/*.json</c> next to the binaries (or under <c>Nris:DataFiles</c>) are the seed; targets set or
/// retired through the API are ledger entries (<c>target.set</c>, <c>target.retired</c>) folded over the seed by a
/// <see cref="TargetBook"/> that follows the ledger. The actuals are the aggregate cells the caller may read, so a target
/// whose figures the caller may not see is left out.
/// </summary>
public sealed class TargetService(
    CatalogueState catalogue, AggregationProjection projection, IConfiguration configuration,
    IDbContextFactory<NrisDbContext> contexts, CheckpointService checkpoints, TimeProvider time, LedgerNotifier? notifier = null) : IDisposable
{
    /// <inheritdoc />
    public void Dispose() => _follow.Dispose();

    private static JsonSerializerOptions Json => TargetBook.Json;

    /// <summary>The longest legal basis, source or reason accepted.</summary>
    public const int MaxText = 1000;

    /// <summary>The most milestones of one target (twelve months and four quarters).</summary>
    public const int MaxMilestones = 16;

    private static readonly Role[] AssignerRoles = [Role.Reviewer, Role.AgencyAdministrator];

    private readonly Lazy<TargetBook> _book = new(() => new TargetBook(Load(configuration)));
    private readonly SemaphoreSlim _follow = new(1, 1);
    private volatile IReadOnlyList<Target>? _current;

    private sealed record TargetFile(IReadOnlyList<Target> Targets);

    /// <summary>Whether the aggregates are built.</summary>
    public bool IsReady => projection.IsReady;

    /// <summary>Every target in force: the files' with the ledger's changes applied, as far as the view has followed the ledger.</summary>
    public IReadOnlyList<Target> Targets => _current ??= _book.Value.Current();

    /// <summary>The last ledger sequence the targets view has applied.</summary>
    public long LastAppliedSequence => _book.Value.LastSequence;

    /// <summary>
    /// Applies the target entries appended since the last call, in sequence order (the whole ledger the first time).
    /// The follower calls it every poll; the API and the pages call it before reading, so a caller reads its own change.
    /// </summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        await _follow.WaitAsync(ct);
        try
        {
            var book = _book.Value;
            await using var db = await contexts.CreateDbContextAsync(ct);
            // The head first: every entry up to it is committed, so the book may move there after reading them.
            var head = await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, ct) ?? 0;
            if (head <= book.LastSequence)
            {
                return;
            }

            var from = book.LastSequence;
            var entries = await db.LedgerEntries.AsNoTracking()
                .Where(e => e.Sequence > from && e.Sequence <= head && (e.Kind == TargetBook.KindSet || e.Kind == TargetBook.KindRetired))
                .OrderBy(e => e.Sequence).Select(e => new { e.Sequence, e.Kind, e.Payload }).ToListAsync(ct);
            foreach (var e in entries)
            {
                book.Apply(e.Sequence, e.Kind, e.Payload);
            }

            book.AdvanceTo(head);
            if (entries.Count > 0)
            {
                _current = book.Current();
            }
        }
        finally
        {
            _follow.Release();
        }
    }

    /// <summary>
    /// The organization that answers for targets of <paramref name="territory"/>: its People's Committee, or the
    /// Government for the nation. Null when there is none.
    /// </summary>
    public string? Assigner(string territory)
    {
        var code = territory == Territory.NationCode ? Organization.GovernmentCode : Nris.Core.Catalogue.ReferenceData.ReferenceOrganizations.CommitteeCode(territory);
        return catalogue.Current.Organizations.Versions(code).Count > 0 ? code : null;
    }

    /// <summary>
    /// Whether the caller may set or retire targets of <paramref name="territory"/>: a system administrator anywhere; a
    /// reviewer (the leaders' side) or an agency administrator whose grant's subtree holds the territory's People's
    /// Committee (the Government's for the nation). So a province assigns targets to itself and its communes, never to
    /// another province.
    /// </summary>
    public bool MayAssign(AccessScope scope, string territory)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.IsSystemAdministrator)
        {
            return true;
        }

        return Assigner(territory) is { } org && scope.Grants.Any(g => AssignerRoles.Contains(g.Role) && scope.IsWithin(org, g.OrganizationCode));
    }

    /// <summary>Creates or replaces target <paramref name="code"/>; refusals throw <see cref="RequestProblemException"/> and store nothing.</summary>
    public async Task<(TargetChangeDto Change, bool Created)> SetAsync(string code, TargetInput input, AccessScope scope, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(scope);
        await CatchUpAsync(ct);
        CheckCode(code);
        var snapshot = catalogue.Current;
        var indicator = input.IndicatorCode?.Trim() ?? "";
        if (indicator.Length == 0)
        {
            throw Bad("indicatorCode", "indicatorCode is required.", "Thiếu indicatorCode (mã chỉ tiêu).");
        }

        if (!snapshot.Indicators.ContainsKey(indicator))
        {
            throw Bad("indicatorCode", $"Indicator '{Query.Truncate(indicator)}' does not exist.", $"Chỉ tiêu '{Query.Truncate(indicator)}' không tồn tại.");
        }

        var territory = input.TerritoryCode?.Trim() ?? "";
        if (territory.Length == 0)
        {
            throw Bad("territoryCode", "territoryCode is required (VN for the nation).", "Thiếu territoryCode (mã địa bàn; VN cho cả nước).");
        }

        if (territory != Territory.NationCode && snapshot.Territories.Versions(territory).Count == 0)
        {
            throw Bad("territoryCode", $"Territory '{Query.Truncate(territory)}' does not exist.", $"Địa bàn '{Query.Truncate(territory)}' không tồn tại.");
        }

        if (input.Year is not (>= 2000 and <= 2100) || input.Year is not { } year)
        {
            throw Bad("year", "year is required, from 2000 to 2100.", "Thiếu năm (year) hoặc năm ngoài khoảng 2000–2100.");
        }

        var kind = input.Kind?.Trim().ToLowerInvariant() switch
        {
            null or "" or "level" => TargetKind.Level,
            "rate" => TargetKind.Rate,
            _ => throw Bad("kind", $"kind '{Query.Truncate(input.Kind!)}' is not 'level' or 'rate'.", $"kind '{Query.Truncate(input.Kind!)}' phải là 'level' (mức) hoặc 'rate' (tốc độ, tỷ lệ)."),
        };
        if (input.Value is not { } value)
        {
            throw Bad("value", "value is required.", "Thiếu giá trị chỉ tiêu (value).");
        }

        var legalBasis = input.LegalBasis?.Trim() ?? "";
        if (legalBasis.Length == 0)
        {
            throw Bad("legalBasis", "legalBasis is required: the act that assigns the target (e.g. a resolution's number and date).",
                "Thiếu căn cứ pháp lý (legalBasis): văn bản giao chỉ tiêu (số, ngày của nghị quyết, quyết định).");
        }

        var legalBasisEn = input.LegalBasisEn?.Trim() ?? "";
        var source = string.IsNullOrWhiteSpace(input.Source) ? null : input.Source.Trim();
        foreach (var (field, text) in new[] { ("legalBasis", legalBasis), ("legalBasisEn", legalBasisEn), ("source", source ?? "") })
        {
            if (text.Length > MaxText)
            {
                throw Bad(field, $"{field} is longer than {MaxText} characters.", $"{field} dài hơn {MaxText} ký tự.");
            }
        }

        var milestones = new List<TargetMilestone>();
        var asked = input.Milestones ?? [];
        if (asked.Count > MaxMilestones)
        {
            throw Bad("milestones", $"At most {MaxMilestones} milestones.", $"Tối đa {MaxMilestones} mốc tiến độ.");
        }

        for (var i = 0; i < asked.Count; i++)
        {
            var field = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"milestones[{i}]");
            var m = asked[i] ?? throw Bad(field, $"{field} is empty.", $"{field} trống.");
            if (!Period.TryParse(m.Period?.Trim(), out var period) || period.Periodicity is not (Periodicity.Monthly or Periodicity.Quarterly) || period.Year != year)
            {
                throw Bad(field + ".period", $"{field}.period '{Query.Truncate(m.Period ?? "")}' must be a month or a quarter of {year} (e.g. {year}-M06, {year}-Q2).",
                    $"{field}.period '{Query.Truncate(m.Period ?? "")}' phải là một tháng hoặc một quý của năm {year} (ví dụ {year}-M06, {year}-Q2).");
            }

            if (m.Value is not { } due)
            {
                throw Bad(field + ".value", $"{field}.value is required.", $"Thiếu {field}.value.");
            }

            if (milestones.Any(x => x.Period == period.ToString()))
            {
                throw Bad(field + ".period", $"{field}.period {period} is given twice.", $"{field}.period {period} bị lặp.");
            }

            milestones.Add(new TargetMilestone(period.ToString(), due));
        }

        if (!MayAssign(scope, territory))
        {
            throw new RequestProblemException(403, "forbidden", "territoryCode",
                $"You may not assign targets for territory {territory}: that takes a leader (reviewer) or an agency administrator of its People's Committee or above.",
                $"Bạn không có quyền giao chỉ tiêu cho địa bàn {territory}: cần lãnh đạo (thẩm định) hoặc quản trị của UBND địa bàn đó hoặc cấp trên.");
        }

        var existing = Targets.FirstOrDefault(t => t.Code == code);
        if (existing is not null && existing.TerritoryCode != territory && !MayAssign(scope, existing.TerritoryCode))
        {
            throw new RequestProblemException(403, "forbidden", "territoryCode",
                $"Target {code} belongs to territory {existing.TerritoryCode}, whose targets you may not change.",
                $"Chỉ tiêu {code} thuộc địa bàn {existing.TerritoryCode}, bạn không có quyền thay đổi.");
        }

        var target = new Target(code, indicator, territory, year, kind, value, input.HigherIsBetter ?? true, legalBasis, legalBasisEn, source, false,
            [.. milestones.OrderBy(m => Period.Parse(m.Period).End).ThenBy(m => m.Period, StringComparer.Ordinal)]);
        var assignedBy = Assigner(territory) ?? Organization.GovernmentCode;
        var sequence = await AppendAsync(TargetBook.KindSet, CanonicalJson.Serialize(new TargetSetPayload(target, assignedBy), Json), actor, ct);
        return (new TargetChangeDto(target, false, sequence, assignedBy), existing is null);
    }

    /// <summary>Retires target <paramref name="code"/>; refusals throw <see cref="RequestProblemException"/> and store nothing.</summary>
    public async Task<TargetChangeDto> RetireAsync(string code, RetireTargetInput input, AccessScope scope, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(scope);
        await CatchUpAsync(ct);
        CheckCode(code);
        var existing = Targets.FirstOrDefault(t => t.Code == code)
            ?? throw new RequestProblemException(404, "not-found", "code", $"Target '{code}' does not exist.", $"Chỉ tiêu được giao '{code}' không tồn tại.");
        if (!MayAssign(scope, existing.TerritoryCode))
        {
            throw new RequestProblemException(403, "forbidden", "code",
                $"You may not retire targets of territory {existing.TerritoryCode}.", $"Bạn không có quyền bãi bỏ chỉ tiêu của địa bàn {existing.TerritoryCode}.");
        }

        var reason = input.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > MaxText)
        {
            throw Bad("reason", $"reason is required (at most {MaxText} characters): why the target is withdrawn.",
                $"Cần lý do (reason, tối đa {MaxText} ký tự) bãi bỏ chỉ tiêu.");
        }

        var sequence = await AppendAsync(TargetBook.KindRetired, CanonicalJson.Serialize(new TargetRetiredPayload(code, reason), Json), actor, ct);
        return new TargetChangeDto(existing, true, sequence, Assigner(existing.TerritoryCode) ?? Organization.GovernmentCode);
    }

    private async Task<long> AppendAsync(string kind, byte[] payload, string actor, CancellationToken ct)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var store = new LedgerStore(db);
            await using var transaction = await store.BeginAppendTransactionAsync(ct);
            var entry = await store.AppendAsync(kind, payload, actor, time.GetUtcNow(), ct);
            await checkpoints.AfterAppendAsync(store, entry, ct);
            await transaction.CommitAsync(ct);
            notifier?.Appended();
            await CatchUpAsync(ct);
            return entry.Sequence;
        }
    }

    private static void CheckCode(string code)
    {
        if (code.Length is 0 or > 64 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw Bad("code", "A target code is 1–64 letters, digits, '-', '_' or '.'.", "Mã chỉ tiêu được giao gồm 1–64 chữ cái, chữ số, '-', '_' hoặc '.'.");
        }
    }

    private static RequestProblemException Bad(string field, string en, string vi) => new(400, "bad-request", field, en, vi);

    /// <summary>The progress of the targets of <paramref name="year"/> (optionally of one territory) the caller may see.</summary>
    public IReadOnlyList<TargetProgressDto> Progress(AccessScope access, int year, string? territory = null)
    {
        var snapshot = catalogue.Current;
        var engine = projection.Engine;
        var scope = new AggregateScope(access, snapshot);
        var result = new List<TargetProgressDto>();
        foreach (var target in Targets.Where(t => t.Year == year && (territory is null || t.TerritoryCode == territory)))
        {
            if (!snapshot.Indicators.ContainsKey(target.IndicatorCode) || snapshot.Territories.Versions(target.TerritoryCode).Count == 0)
            {
                continue;
            }

            if (Actuals(scope, engine, target.IndicatorCode, target.TerritoryCode, year) is not { } thisYear)
            {
                // The caller may read no source of this cell.
                continue;
            }

            var progress = Judge(target, thisYear, Actuals(scope, engine, target.IndicatorCode, target.TerritoryCode, year - 1));
            result.Add(new TargetProgressDto(target.Code, target.IndicatorCode, target.TerritoryCode, target.Year, target.Kind, target.Value,
                target.HigherIsBetter, target.LegalBasis, target.LegalBasisEn, target.Source, target.IsDemo, target.Milestones,
                progress.Progress.Actual, progress.Progress.Needed, progress.Progress.Pace, progress.Progress.Status, progress.LastPeriod,
                progress.Progress.ExplanationVi, progress.Progress.ExplanationEn));
        }

        return result;
    }

    // The values of a year by month, or by quarter when there are no monthly ones; null when the caller may read nothing there.
    private static List<(Period Period, decimal? Value)>? Actuals(AggregateScope scope, AggregationEngine engine, string indicator, string territory, int year)
    {
        List<(Period, decimal?)>? Read(Periodicity periodicity)
        {
            var values = new List<(Period, decimal?)>();
            foreach (var period in Period.InYear(year, periodicity))
            {
                if (scope.Cell(engine, new CellQuery(indicator, territory, period)) is not { } value)
                {
                    return null;
                }

                values.Add((period, value.Value));
            }

            return values;
        }

        var months = Read(Periodicity.Monthly);
        if (months is null)
        {
            return null;
        }

        return months.Any(m => m.Item2 is not null) ? months : Read(Periodicity.Quarterly) ?? months;
    }

    private static (TargetProgress Progress, string? LastPeriod) Judge(Target target, List<(Period Period, decimal? Value)> thisYear, List<(Period Period, decimal? Value)>? lastYear)
    {
        var reported = thisYear.Where(v => v.Value is not null).ToList();
        if (reported.Count == 0)
        {
            return (TargetEvaluator.Evaluate(target, null, 0, null, null), null);
        }

        var last = reported[^1].Period;
        var elapsed = (decimal)(last.End.DayNumber - new DateOnly(target.Year, 1, 1).DayNumber + 1) / (DateTime.IsLeapYear(target.Year) ? 366 : 365);
        var milestone = target.Milestones.Where(m => Period.TryParse(m.Period, out var p) && p.End <= last.End)
            .OrderBy(m => Period.Parse(m.Period).End).LastOrDefault();
        if (target.Kind == TargetKind.Rate)
        {
            return (TargetEvaluator.Evaluate(target, reported[^1].Value, elapsed, null, milestone), last.ToString());
        }

        var actual = reported.Sum(v => v.Value!.Value);
        decimal? share = null;
        if (lastYear is { } previous && previous.All(v => v.Value is not null) && previous.Sum(v => v.Value!.Value) is var total and > 0)
        {
            share = previous.Where(v => v.Period.End.Month <= last.End.Month).Sum(v => v.Value!.Value) / total;
        }

        return (TargetEvaluator.Evaluate(target, actual, elapsed, share, milestone), last.ToString());
    }

    private static IReadOnlyList<Target> Load(IConfiguration configuration)
    {
        var root = configuration["Nris:DataFiles"] is { Length: > 0 } configured ? configured : AppContext.BaseDirectory;
        var directory = Path.Combine(root, "catalogue", "targets");
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var targets = new List<Target>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            var content = JsonSerializer.Deserialize<TargetFile>(stream, Json)
                ?? throw new InvalidDataException($"{file}: không có chỉ tiêu / no targets.");
            targets.AddRange(content.Targets.Select(t => t with { Milestones = t.Milestones ?? [] }));
        }

        return targets;
    }
}
