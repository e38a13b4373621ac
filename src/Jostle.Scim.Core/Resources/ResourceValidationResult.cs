using System.Text.Json.Nodes;

namespace Jostle.Scim.Resources;

/// <summary>The outcome of validating a create or replace body: the normalised document and what was set aside.</summary>
public sealed class ResourceValidationResult
{
    internal ResourceValidationResult(JsonObject document, IReadOnlyList<string> ignoredAttributes, ScimCompatibility rulesApplied)
    {
        Document = document;
        IgnoredAttributes = ignoredAttributes;
        RulesApplied = rulesApplied;
    }

    /// <summary>
    /// The normalised document: attribute names in the schema's spelling and order (<c>schemas</c>, <c>id</c>,
    /// <c>externalId</c>, core attributes, extension objects, <c>meta</c>), nulls and empty arrays dropped,
    /// read-only input dropped, values as sent. For a replace it carries <c>id</c>, <c>meta</c> and the read-only
    /// attributes of the existing document.
    /// </summary>
    public JsonObject Document { get; }

    /// <summary>
    /// The paths of attributes that the resource type does not define (e.g. <c>nickname2</c>, <c>name.foo</c>,
    /// <c>urn:…:enterprise:2.0:User:bogus</c>) and schema URNs in <c>schemas</c> that it does not know. They were left out
    /// of <see cref="Document"/>; a host may log them.
    /// </summary>
    public IReadOnlyList<string> IgnoredAttributes { get; }

    /// <summary>The compatibility rules the body needed (<see cref="ScimCompatibility.None"/> for a strict RFC body).</summary>
    public ScimCompatibility RulesApplied { get; }
}
