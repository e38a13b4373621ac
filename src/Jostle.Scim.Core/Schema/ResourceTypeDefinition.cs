namespace Jostle.Scim.Schema;

/// <summary>A schema extension attached to a resource type (RFC 7643 §6, <c>schemaExtensions</c>).</summary>
/// <param name="Schema">The extension schema.</param>
/// <param name="Required">Whether every resource of the type must carry the extension.</param>
public sealed record SchemaExtension(SchemaDefinition Schema, bool Required);

/// <summary>
/// A resource type (RFC 7643 §6): its name, endpoint, core schema and schema extensions, with the
/// common attributes <c>id</c>, <c>externalId</c> and <c>meta</c> (RFC 7643 §3.1) that every resource has.
/// </summary>
public sealed class ResourceTypeDefinition
{
    /// <summary>Creates a resource type.</summary>
    /// <param name="name">The resource type name, e.g. <c>User</c>; also its id.</param>
    /// <param name="endpoint">The endpoint relative to the base URL, e.g. <c>/Users</c>.</param>
    /// <param name="schema">The core schema.</param>
    /// <param name="extensions">The schema extensions; the list is copied.</param>
    /// <exception cref="ArgumentException">An extension is listed twice or has the core schema's URN.</exception>
    public ResourceTypeDefinition(string name, string endpoint, SchemaDefinition schema, IReadOnlyList<SchemaExtension>? extensions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentNullException.ThrowIfNull(schema);
        SchemaExtension[] copy = extensions is null ? [] : [.. extensions];
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { schema.Id };
        foreach (var extension in copy)
        {
            if (extension?.Schema is null)
            {
                throw new ArgumentException($"Resource type '{name}' has a null schema extension.", nameof(extensions));
            }

            if (!seen.Add(extension.Schema.Id))
            {
                throw new ArgumentException(
                    string.Equals(extension.Schema.Id, schema.Id, StringComparison.OrdinalIgnoreCase)
                        ? $"Resource type '{name}' lists its core schema '{schema.Id}' as an extension; an extension needs its own URN."
                        : $"Resource type '{name}' lists extension '{extension.Schema.Id}' twice.",
                    nameof(extensions));
            }
        }

        Name = name;
        Endpoint = endpoint;
        Schema = schema;
        Extensions = copy;
    }

    /// <summary>The resource type's name and id, e.g. <c>User</c>.</summary>
    public string Name { get; }

    /// <summary>The endpoint relative to the base URL, e.g. <c>/Users</c>.</summary>
    public string Endpoint { get; }

    /// <summary>A human-readable description.</summary>
    public string Description { get; init; } = "";

    /// <summary>The core schema.</summary>
    public SchemaDefinition Schema { get; }

    /// <summary>The schema extensions.</summary>
    public IReadOnlyList<SchemaExtension> Extensions { get; }

    /// <summary>Finds the core schema or an extension schema by URN, case-insensitively.</summary>
    /// <param name="schemaUri">The schema URN.</param>
    /// <returns>The schema, or <see langword="null"/> when the resource type has no such schema.</returns>
    public SchemaDefinition? FindSchema(string schemaUri)
    {
        if (string.Equals(Schema.Id, schemaUri, StringComparison.OrdinalIgnoreCase))
        {
            return Schema;
        }

        foreach (var extension in Extensions)
        {
            if (string.Equals(extension.Schema.Id, schemaUri, StringComparison.OrdinalIgnoreCase))
            {
                return extension.Schema;
            }
        }

        return null;
    }

    /// <summary>
    /// Resolves a top-level attribute name, optionally qualified by a schema URN, to its definition.
    /// An unqualified name is looked up in the common attributes, then the core schema, then (when the
    /// name is unambiguous) the extensions.
    /// </summary>
    /// <param name="schemaUri">The schema URN, or <see langword="null"/> for an unqualified name.</param>
    /// <param name="attributeName">The attribute name.</param>
    /// <param name="schema">The schema the attribute belongs to; for a common attribute, the core schema.</param>
    /// <param name="attribute">The attribute definition.</param>
    /// <returns><see langword="true"/> when the attribute was found.</returns>
    public bool TryResolve(string? schemaUri, string attributeName, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SchemaDefinition? schema, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AttributeDefinition? attribute)
    {
        schema = null;
        attribute = null;
        if (string.IsNullOrEmpty(attributeName))
        {
            return false;
        }

        if (schemaUri is not null)
        {
            var qualified = FindSchema(schemaUri);
            if (qualified is null)
            {
                return false;
            }

            attribute = qualified.FindAttribute(attributeName);
            if (attribute is null && ReferenceEquals(qualified, Schema))
            {
                attribute = CommonAttributes.Find(attributeName);
            }

            schema = attribute is null ? null : qualified;
            return attribute is not null;
        }

        attribute = CommonAttributes.Find(attributeName) ?? Schema.FindAttribute(attributeName);
        if (attribute is not null)
        {
            schema = Schema;
            return true;
        }

        foreach (var extension in Extensions)
        {
            var candidate = extension.Schema.FindAttribute(attributeName);
            if (candidate is null)
            {
                continue;
            }

            if (attribute is not null)
            {
                // Ambiguous between two extensions: the caller must qualify it with a URN.
                schema = null;
                attribute = null;
                return false;
            }

            schema = extension.Schema;
            attribute = candidate;
        }

        return attribute is not null;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
