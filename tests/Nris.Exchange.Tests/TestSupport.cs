using System.Xml;
using System.Xml.Schema;
using Nris.Exchange.Model;

namespace Nris.Exchange.Tests;

internal static class Samples
{
    public static string Path(string relative) => System.IO.Path.Combine(AppContext.BaseDirectory, "Samples", relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static Stream Open(string relative) => new MemoryStream(Bytes(relative));

    /// <summary>The observations as a sorted multiset of canonical strings, so layouts and orders do not matter.</summary>
    public static List<string> Normalize(ExchangeDataSet data) =>
        data.Observations.Select(o => o.ToCanonicalString()).Order(StringComparer.Ordinal).ToList();

    public static byte[] Write(Action<Stream> write)
    {
        using var ms = new MemoryStream();
        write(ms);
        return ms.ToArray();
    }
}

internal static class SchemaValidation
{
    /// <summary>Validates <paramref name="xml"/> against the official schemas in Schemas/<paramref name="folder"/> plus optional generated ones.</summary>
    public static List<string> Validate(byte[] xml, string folder, params byte[][] extraSchemas)
    {
        var dir = System.IO.Path.Combine(AppContext.BaseDirectory, "Schemas", folder);
        var set = new XmlSchemaSet { XmlResolver = new XmlUrlResolver() };
        var problems = new List<string>();
        set.ValidationEventHandler += (_, e) => problems.Add("schema: " + e.Message);
        using (var r = XmlReader.Create(System.IO.Path.Combine(dir, "SDMXMessage.xsd"), new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse, XmlResolver = new XmlUrlResolver() }))
        {
            set.Add(null, r);
        }

        var i = 0;
        foreach (var extra in extraSchemas)
        {
            // A base URI in the schema folder lets the generated schema import the official files by name.
            using var r = XmlReader.Create(new MemoryStream(extra), new XmlReaderSettings { XmlResolver = new XmlUrlResolver() }, System.IO.Path.Combine(dir, $"generated{i++}.xsd"));
            set.Add(null, r);
        }

        set.Compile();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = set };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => problems.Add($"{e.Severity} line {e.Exception?.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new MemoryStream(xml), settings);
        while (reader.Read())
        {
        }

        return problems;
    }
}
