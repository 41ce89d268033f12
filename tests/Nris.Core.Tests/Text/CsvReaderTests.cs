using Nris.Core.Text;

namespace Nris.Core.Tests.Text;

public sealed class CsvReaderTests
{
    private static List<string[]> ReadAll(string text)
    {
        var reader = new CsvReader(new StringReader(text));
        var records = new List<string[]>();
        while (reader.ReadRecord() is { } record)
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public void Reads_plain_fields_with_crlf_and_lf_and_no_final_break()
    {
        var records = ReadAll("a,b,c\r\n1,,3\n4,5,6");
        Assert.Equal([["a", "b", "c"], ["1", "", "3"], ["4", "5", "6"]], records);
    }

    [Fact]
    public void Reads_quoted_fields_with_commas_doubled_quotes_and_line_breaks()
    {
        var records = ReadAll("\"x,y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\"\",last\r\n");
        Assert.Equal([["x,y", "say \"hi\"", "two\r\nlines"], ["", "last"]], records);
    }

    [Fact]
    public void Skips_a_byte_order_mark_and_empty_lines()
    {
        var records = ReadAll("\uFEFFcode,name\r\n\r\n01,Hà Nội\r\n\r\n");
        Assert.Equal([["code", "name"], ["01", "Hà Nội"]], records);
    }

    [Fact]
    public void Reports_the_line_on_which_each_record_starts()
    {
        var reader = new CsvReader(new StringReader("a\n\"b\nc\"\nd\n"));
        reader.ReadRecord();
        Assert.Equal(1, reader.RecordLine);
        reader.ReadRecord();
        Assert.Equal(2, reader.RecordLine);
        reader.ReadRecord();
        Assert.Equal(4, reader.RecordLine);
        Assert.Null(reader.ReadRecord());
    }

    [Theory]
    [InlineData("a,b\nc,d\"e\n", "line 2, column 4")]
    [InlineData("a,\"b\"x\n", "line 1, column 6")]
    [InlineData("a\n\"open,\n", "line 2, column 1")]
    public void Malformed_quoting_names_line_and_column(string text, string where)
    {
        var e = Assert.Throws<FormatException>(() => ReadAll(text));
        Assert.Contains(where, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_input_longer_than_its_buffer()
    {
        var line = new string('x', 5000);
        var records = ReadAll($"{line},\"{line}\"\r\n{line}\r\n");
        Assert.Equal(2, records.Count);
        Assert.Equal(line, records[0][1]);
        Assert.Equal(line, records[1][0]);
    }
}
