using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Nris.Core.Periods;

namespace Nris.Core.Tests.Periods;

/// <summary>Generators for the property tests, and a runner that reports the failing value.</summary>
internal static class PeriodGen
{
    // Years 2..9998 leave room for Previous, Next, SamePeriodLastYear and Decree 09 windows at either end;
    // most draws are near the present, where real data live, and some land anywhere.
    public static Gen<int> Years { get; } = Gen.Frequency(
        (3, Gen.Choose(1990, 2060)),
        (1, Gen.Choose(2, 9998)),
        (1, Gen.Elements(2, 3, 4, 2020, 2021, 2024, 2026, 2027, 2028, 9997, 9998)));

    public static Gen<Periodicity> Periodicities { get; } = Gen.Elements(Enum.GetValues<Periodicity>());

    public static Gen<Period> OfPeriodicity(Periodicity periodicity) => periodicity switch
    {
        Periodicity.Daily => Years.SelectMany(y => Gen.Choose(1, DateTime.IsLeapYear(y) ? 366 : 365)
            .Select(d => Period.Day(new DateOnly(y, 1, 1).AddDays(d - 1)))),
        Periodicity.Weekly => Years.SelectMany(y => Gen.Choose(1, ISOWeek.GetWeeksInYear(y)).Select(w => Period.Week(y, w))),
        Periodicity.Monthly => Years.SelectMany(y => Gen.Choose(1, 12).Select(m => Period.Month(y, m))),
        Periodicity.Quarterly => Years.SelectMany(y => Gen.Choose(1, 4).Select(q => Period.Quarter(y, q))),
        Periodicity.HalfYearly => Years.SelectMany(y => Gen.Choose(1, 2).Select(h => Period.HalfYear(y, h))),
        _ => Years.Select(y => Period.Year(y)),
    };

    public static Gen<Period> AnyPeriod { get; } = Periodicities.SelectMany(OfPeriodicity);

    public static Gen<DateOnly> Dates { get; } =
        OfPeriodicity(Periodicity.Daily).Select(p => p.Start);

    // Strings that look almost like codes reach the parser's deeper branches far more often than random text.
    public static Gen<string> CodeLike { get; } = Gen.Frequency(
        (1, ArbMap.Default.ArbFor<string>().Generator.Where(s => s is not null)),
        (3, AnyPeriod.SelectMany(p => Mutate(p.ToString()))),
        (1, Gen.Elements("0123456789-WMQSAwmqsa \t٣２Z+".ToCharArray()).ArrayOf().Select(cs => new string(cs))));

    private static Gen<string> Mutate(string code) =>
        Gen.Choose(0, code.Length).SelectMany(i =>
            Gen.Elements("0123456789-WMQSA5 xé\0".ToCharArray()).SelectMany(c =>
                Gen.Elements(
                    code,
                    code.Insert(i, c.ToString()),
                    i < code.Length ? code.Remove(i, 1) : code,
                    i < code.Length ? code.Remove(i, 1).Insert(i, c.ToString()) : code + c)));

    public static void Holds<T>(Gen<T> gen, Action<T> property, int runs = 500) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(runs), Prop.ForAll(gen.ToArbitrary(), property));
}
