namespace Jostle.Scim.Tests.Filtering;

/// <summary>
/// Reads an evaluation case file: one <c>filter ⇒ expected</c> case per line, where expected is a comma-separated
/// list of ids (possibly empty) or <c>!message</c> for a compile error. Blank lines and <c>#</c> comments are skipped.
/// </summary>
internal static class EvalCases
{
    public const string Arrow = "⇒";

    public static TheoryData<int, string, string> Load(string fileName)
    {
        var data = new TheoryData<int, string, string>();
        var path = Path.Combine(AppContext.BaseDirectory, "Cases", fileName);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var arrow = text.IndexOf(Arrow, StringComparison.Ordinal);
            if (arrow < 0)
            {
                throw new FormatException($"{fileName}:{lineNumber}: a case needs '{Arrow}'.");
            }

            data.Add(lineNumber, text[..arrow].Trim(), text[(arrow + Arrow.Length)..].Trim());
        }

        return data;
    }
}
