using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Compilation.Element;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Patching;

/// <summary>
/// What an operation's path resolves to: the schema whose object holds the attribute, the attribute, an optional
/// sub-attribute and, for a value path (<c>emails[type eq "work"]</c>), the element filter and its text.
/// </summary>
internal readonly record struct PatchTarget(SchemaDefinition Schema, AttributeDefinition Attribute, AttributeDefinition? Sub, ElementFilter? Filter, FilterExpression? FilterText);

/// <summary>An attribute's name as error details spell it (<c>name.givenName</c>), joined only when a message needs it.</summary>
internal readonly record struct PatchAttributeName(string Head, string? Tail)
{
    public static implicit operator PatchAttributeName(string name) => new(name, null);

    public override string ToString() => Tail is null ? Head : Head + "." + Tail;
}

/// <summary>Resolves a PATCH path against the resource type's schemas into a <see cref="PatchTarget"/> (<c>invalidPath</c> when it names nothing).</summary>
internal static class PatchTargets
{
    public static PatchTarget Resolve(PatchSession session, PatchPath path)
    {
        var resourceType = session.ResourceType;
        if (!resourceType.TryResolve(path.Attribute.SchemaUri, path.Attribute.Name, out var schema, out var attribute))
        {
            throw session.Fail(ScimErrorType.InvalidPath, $"{resourceType.Name} has no attribute {path.Attribute.WithSubAttribute(null)}.");
        }

        AttributeDefinition? sub = null;
        if (path.Attribute.SubAttribute is { } subName)
        {
            sub = attribute.FindSubAttribute(subName) ?? throw session.Fail(ScimErrorType.InvalidPath, $"{attribute.Name} has no sub-attribute {subName}.");
        }

        ElementFilter? filter = null;
        if (path.ValueFilter is not null)
        {
            if (!attribute.MultiValued || attribute.Type != AttributeType.Complex)
            {
                throw session.Fail(ScimErrorType.InvalidPath, $"a value filter selects values of a multi-valued complex attribute, and {attribute.Name} is not one.");
            }

            filter = ElementFilter.Create(path.ValueFilter, attribute, out var error);
            if (error is not null)
            {
                throw session.Fail(ScimErrorType.InvalidPath, error);
            }

            if (path.SubAttribute is { } selected)
            {
                sub = attribute.FindSubAttribute(selected) ?? throw session.Fail(ScimErrorType.InvalidPath, $"{attribute.Name} has no sub-attribute {selected}.");
            }
        }

        return new PatchTarget(schema, attribute, sub, filter, path.ValueFilter);
    }
}
