using System.Globalization;
using System.Text;
using System.Xml;
using Nris.Exchange.Model;

namespace Nris.Exchange.Internal;

/// <summary>
/// A forward-only XML reader with the safety settings every XML format shares: no DTD (so no entity expansion
/// bombs), no resolver (so no external entities or schema fetches), a size cap, a depth cap and cancellation.
/// It also tracks an element path with sibling indexes so errors can say "/GenericData/DataSet/Obs[5]".
/// </summary>
internal sealed class SafeXml : IDisposable
{
    private readonly XmlReader _reader;
    private readonly ExchangeLimits _limits;
    private readonly CancellationToken _ct;
    private readonly List<(string Name, Dictionary<string, int> Children)> _path = [];

    public SafeXml(Stream stream, ExchangeLimits limits, CancellationToken cancellationToken)
    {
        _limits = limits;
        _ct = cancellationToken;
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
            MaxCharactersInDocument = limits.MaxBytes,
            MaxCharactersFromEntities = 0,
        };
        _reader = XmlReader.Create(new LimitedStream(stream, limits.MaxBytes, cancellationToken), settings);
    }

    public XmlReader Reader => _reader;

    public string LocalName => _reader.LocalName;

    public string NamespaceURI => _reader.NamespaceURI;

    public int Depth => _reader.Depth;

    public bool IsStart => _reader.NodeType == XmlNodeType.Element;

    public bool IsEnd => _reader.NodeType == XmlNodeType.EndElement;

    /// <summary>Moves to the next node, keeping the path and checking depth and cancellation.</summary>
    public bool Read()
    {
        _ct.ThrowIfCancellationRequested();
        // Pop a finished empty element before moving: it has no EndElement node.
        if (_reader.NodeType == XmlNodeType.Element && _reader.IsEmptyElement && _path.Count > 0)
        {
            _path.RemoveAt(_path.Count - 1);
        }

        if (!_reader.Read())
        {
            return false;
        }

        switch (_reader.NodeType)
        {
            case XmlNodeType.Element:
                if (_reader.Depth >= _limits.MaxXmlDepth)
                {
                    throw new ExchangeFormatException(Errors.TooDeep(Location, _limits.MaxXmlDepth));
                }

                var parent = _path.Count > 0 ? _path[^1].Children : null;
                var name = _reader.Name;
                var index = 1;
                if (parent is not null)
                {
                    index = parent.TryGetValue(name, out var n) ? n + 1 : 1;
                    parent[name] = index;
                }

                _path.Add((index > 1 ? string.Create(CultureInfo.InvariantCulture, $"{name}[{index}]") : name, new Dictionary<string, int>(StringComparer.Ordinal)));
                break;
            case XmlNodeType.EndElement:
                if (_path.Count > 0)
                {
                    _path.RemoveAt(_path.Count - 1);
                }

                break;
        }

        return true;
    }

    /// <summary>Where the reader is: the element path and the line.</summary>
    public string Location
    {
        get
        {
            var sb = new StringBuilder();
            foreach (var (name, _) in _path)
            {
                sb.Append('/').Append(name);
            }

            if (_reader is IXmlLineInfo { } info && info.HasLineInfo())
            {
                sb.Append(CultureInfo.InvariantCulture, $" (line {info.LineNumber})");
            }

            return sb.ToString();
        }
    }

    /// <summary>An attribute of the current element, length-checked.</summary>
    public string? Attribute(string name, ErrorList errors)
    {
        var v = _reader.GetAttribute(name);
        return Checked(v, name, errors);
    }

    /// <summary>All attributes of the current element without a namespace (the ones SDMX and ADX use for data).</summary>
    public List<KeyValuePair<string, string>> LocalAttributes(ErrorList errors)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                if (_reader.NamespaceURI.Length == 0 && _reader.Prefix.Length == 0 && _reader.LocalName != "xmlns")
                {
                    list.Add(new(_reader.LocalName, Checked(_reader.Value, _reader.LocalName, errors) ?? ""));
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        return list;
    }

    /// <summary>The text content of the current element (it must be a start element); moves past its end.</summary>
    public string ReadText(ErrorList errors)
    {
        if (_reader.IsEmptyElement)
        {
            return "";
        }

        var sb = new StringBuilder();
        var depth = _reader.Depth;
        while (Read())
        {
            if (_reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
            {
                sb.Append(_reader.Value);
                if (sb.Length > _limits.MaxCellTextLength)
                {
                    errors.Add(Errors.TooLong(Location, null, _limits.MaxCellTextLength));
                    sb.Length = _limits.MaxCellTextLength;
                }
            }
            else if (_reader.NodeType == XmlNodeType.EndElement && _reader.Depth == depth)
            {
                break;
            }
        }

        return sb.ToString();
    }

    private string? Checked(string? v, string name, ErrorList errors)
    {
        if (v is not null && v.Length > _limits.MaxCellTextLength)
        {
            errors.Add(Errors.TooLong(Location, name, _limits.MaxCellTextLength));
            return v[.._limits.MaxCellTextLength];
        }

        return v;
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Writer settings for our own output: UTF-8 without BOM, indented, no DTD.</summary>
    public static XmlWriterSettings WriterSettings() => new()
    {
        Encoding = new UTF8Encoding(false),
        Indent = true,
        CloseOutput = false,
    };
}
