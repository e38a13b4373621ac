namespace Jostle.Scim.Tests.Filtering;

/// <summary>
/// Reads a case file from <c>Cases/</c>: one case per line, <c>input ⇒ expected</c>; lines starting with <c>#</c>
/// and blank lines are skipped. The input is not trimmed (leading spaces are part of some cases).
/// </summary>
public static class CaseFile
{
    public const string Separator = " ⇒ ";

    public static TheoryData<string, string> Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Cases", fileName);
        var data = new TheoryData<string, string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var at = line.IndexOf(Separator, StringComparison.Ordinal);
            if (at < 0)
            {
                throw new InvalidDataException($"{fileName}:{lineNumber}: no '{Separator.Trim()}' separator.");
            }

            data.Add(line[..at], line[(at + Separator.Length)..]);
        }

        return data;
    }
}
