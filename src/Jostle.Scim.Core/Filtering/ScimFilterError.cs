namespace Jostle.Scim.Filtering;

/// <summary>What is wrong with a filter or path, and where.</summary>
/// <param name="Message">A readable message naming what was expected and where, e.g.
/// <c>Syntax error at position 13: unexpected `]`, expected comparison value.</c></param>
/// <param name="Position">The zero-based character index the error refers to, or <see langword="null"/> for an
/// error that is not about one place (for example an unknown attribute found at compile time).</param>
public sealed record ScimFilterError(string Message, int? Position);

/// <summary>
/// A filter or path could not be parsed or compiled. Maps to <c>400 invalidFilter</c> (or <c>invalidPath</c> for PATCH paths).
/// </summary>
public sealed class ScimFilterException : FormatException
{
    /// <summary>Creates the exception from an error.</summary>
    /// <param name="error">The error.</param>
    public ScimFilterException(ScimFilterError error)
        : base((error ?? throw new ArgumentNullException(nameof(error))).Message) => Error = error;

    /// <summary>The error.</summary>
    public ScimFilterError Error { get; }

    /// <summary>The zero-based character index the error refers to, when it is about one place.</summary>
    public int? Position => Error.Position;
}
