using System.Diagnostics.CodeAnalysis;

namespace Jostle.Scim.Schema;

/// <summary>
/// The schemas and resource types a service provider knows. <see cref="CreateDefault"/> gives the
/// built-in User (with the Enterprise and Jostle extensions) and Group resource types; hosts add
/// their own extension schemas and attributes in code. Every change is checked when it is made (schema ids
/// unique, an extension never a core schema, no redefinition of <c>id</c>, <c>externalId</c>, <c>meta</c> or
/// <c>schemas</c>, attribute rules of <see cref="SchemaDefinition"/>) and a failed call changes nothing. The
/// discovery documents (<c>/Schemas</c>, <c>/ResourceTypes</c>) are generated from it by <see cref="SchemaDocuments"/>.
/// </summary>
public sealed class SchemaRegistry
{
    private readonly Dictionary<string, SchemaDefinition> _schemas = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ResourceTypeRegistration> _resourceTypes = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _resourceTypeOrder = [];
    private readonly Dictionary<string, ResourceTypeDefinition> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    /// <summary>Creates a registry holding the built-in schemas and the User and Group resource types.</summary>
    /// <returns>A new registry that the caller may extend.</returns>
    public static SchemaRegistry CreateDefault()
    {
        var registry = new SchemaRegistry();
        registry.AddSchema(BuiltInSchemas.User);
        registry.AddSchema(BuiltInSchemas.Group);
        registry.AddSchema(BuiltInSchemas.EnterpriseUser);
        registry.AddSchema(BuiltInSchemas.JostleUser);
        registry.AddResourceType("User", "/Users", ScimSchemaUris.User, "User Account");
        registry.AddResourceType("Group", "/Groups", ScimSchemaUris.Group, "Group");
        registry.AddSchemaExtension("User", ScimSchemaUris.EnterpriseUser);
        registry.AddSchemaExtension("User", ScimSchemaUris.JostleUser);
        return registry;
    }

    /// <summary>All schemas, in the order they were added.</summary>
    public IReadOnlyList<SchemaDefinition> Schemas
    {
        get
        {
            lock (_gate)
            {
                return [.. _schemas.Values];
            }
        }
    }

    /// <summary>All resource types, resolved, in the order they were added.</summary>
    public IReadOnlyList<ResourceTypeDefinition> ResourceTypes
    {
        get
        {
            lock (_gate)
            {
                return [.. _resourceTypeOrder.Select(ResolveLocked)];
            }
        }
    }

    /// <summary>Adds a schema. A schema with the same id (compared case-insensitively) must not already exist.</summary>
    /// <param name="schema">The schema; its attributes were checked against RFC 7643 when it was constructed.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">A schema with the same id is already registered.</exception>
    public SchemaRegistry AddSchema(SchemaDefinition schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        lock (_gate)
        {
            AddSchemaLocked(schema);
        }

        return this;
    }

    /// <summary>
    /// Adds attributes to a registered schema (for example, new fields of an extension). The schema is replaced by
    /// a new <see cref="SchemaDefinition"/> holding the old and new attributes; the definition passed to
    /// <see cref="AddSchema"/> (for example a <see cref="BuiltInSchemas"/> member) is not changed.
    /// </summary>
    /// <param name="schemaId">The schema URN.</param>
    /// <param name="attributes">The attributes to add; their names must be new to the schema.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">The schema is not registered, or already has an attribute of that name.</exception>
    /// <exception cref="ArgumentException">An attribute breaks a rule of RFC 7643, or names a common attribute of a resource type that uses the schema.</exception>
    public SchemaRegistry AddAttributes(string schemaId, params IEnumerable<AttributeDefinition> attributes)
    {
        ArgumentNullException.ThrowIfNull(schemaId);
        ArgumentNullException.ThrowIfNull(attributes);
        var added = attributes.ToList();
        lock (_gate)
        {
            if (!_schemas.TryGetValue(schemaId, out var schema))
            {
                throw new InvalidOperationException($"No schema with id '{schemaId}' is registered; call AddSchema first.");
            }

            var list = schema.Attributes.ToList();
            foreach (var attribute in added)
            {
                if (attribute is null)
                {
                    throw new ArgumentException($"The attributes to add to schema '{schema.Id}' include null.", nameof(attributes));
                }

                if (list.Exists(a => string.Equals(a.Name, attribute.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new InvalidOperationException($"Schema '{schema.Id}' already has an attribute named '{attribute.Name}' (attribute names are case-insensitive).");
                }

                list.Add(attribute);
            }

            var replacement = new SchemaDefinition(schema.Id, schema.Name, list) { Description = schema.Description };
            foreach (var registration in _resourceTypes.Values.Where(r => r.Uses(schema.Id)))
            {
                EnsureNoReservedNames(replacement, registration.Name);
            }

            _schemas[schema.Id] = replacement;
            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Adds a resource type whose core schema is already registered.</summary>
    /// <param name="name">The resource type name and id, e.g. <c>User</c>.</param>
    /// <param name="endpoint">The endpoint relative to the base URL, e.g. <c>/Users</c>.</param>
    /// <param name="schemaId">The core schema URN.</param>
    /// <param name="description">A human-readable description.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">The schema is not registered or is already an extension, or the name is taken.</exception>
    /// <exception cref="ArgumentException">The endpoint does not start with '/', or the schema defines a common attribute.</exception>
    public SchemaRegistry AddResourceType(string name, string endpoint, string schemaId, string description = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(schemaId);
        if (!endpoint.StartsWith('/'))
        {
            throw new ArgumentException($"The endpoint of resource type '{name}' is '{endpoint}'; it must be relative to the base URL and start with '/', e.g. '/Users'.", nameof(endpoint));
        }

        lock (_gate)
        {
            if (!_schemas.TryGetValue(schemaId, out var schema))
            {
                throw new InvalidOperationException($"Resource type '{name}' names schema '{schemaId}', which is not registered; call AddSchema first.");
            }

            var extending = _resourceTypes.Values.FirstOrDefault(r => r.HasExtension(schemaId));
            if (extending is not null)
            {
                throw new InvalidOperationException($"Schema '{schema.Id}' cannot be the core schema of resource type '{name}': it is an extension of resource type '{extending.Name}'. Core and extension schemas need distinct URNs.");
            }

            if (_resourceTypes.ContainsKey(name))
            {
                throw new InvalidOperationException($"A resource type named '{name}' is already registered.");
            }

            if (_resourceTypes.Values.FirstOrDefault(r => string.Equals(r.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase)) is { } clash)
            {
                throw new InvalidOperationException($"Resource type '{name}' uses endpoint '{endpoint}', which resource type '{clash.Name}' already uses.");
            }

            EnsureNoReservedNames(schema, name);
            _resourceTypes.Add(name, new ResourceTypeRegistration(name, endpoint, schema.Id, description ?? ""));
            _resourceTypeOrder.Add(name);
            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Attaches a registered schema to a resource type as an extension.</summary>
    /// <param name="resourceType">The resource type name.</param>
    /// <param name="schemaId">The extension schema URN.</param>
    /// <param name="required">Whether every resource must carry the extension.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">The resource type or schema is not registered, the schema is a
    /// core schema of a resource type, or the resource type already has the extension.</exception>
    /// <exception cref="ArgumentException">The schema defines a common attribute (<c>id</c>, <c>externalId</c>, <c>meta</c>, <c>schemas</c>).</exception>
    public SchemaRegistry AddSchemaExtension(string resourceType, string schemaId, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schemaId);
        lock (_gate)
        {
            if (!_schemas.TryGetValue(schemaId, out var schema))
            {
                throw new InvalidOperationException($"Extension schema '{schemaId}' is not registered; call AddSchema first.");
            }

            var registration = CheckExtensionLocked(resourceType, schema);
            registration.Extensions.Add((schema.Id, required));
            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Adds an extension schema and attaches it to a resource type in one call. Nothing is added when
    /// either step would fail.</summary>
    /// <param name="resourceType">The resource type name, e.g. <c>User</c>.</param>
    /// <param name="schema">The extension schema.</param>
    /// <param name="required">Whether every resource must carry the extension.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="InvalidOperationException">A schema with the same id is already registered, or the resource type is not.</exception>
    /// <exception cref="ArgumentException">The schema defines a common attribute (<c>id</c>, <c>externalId</c>, <c>meta</c>, <c>schemas</c>).</exception>
    public SchemaRegistry AddSchemaExtension(string resourceType, SchemaDefinition schema, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(schema);
        lock (_gate)
        {
            var registration = CheckExtensionLocked(resourceType, schema);
            AddSchemaLocked(schema);
            registration.Extensions.Add((schema.Id, required));
            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Finds a schema by URN, case-insensitively.</summary>
    /// <param name="schemaId">The schema URN.</param>
    /// <param name="schema">The schema, when found.</param>
    /// <returns><see langword="true"/> when the schema is registered.</returns>
    public bool TryGetSchema(string schemaId, [NotNullWhen(true)] out SchemaDefinition? schema)
    {
        lock (_gate)
        {
            return _schemas.TryGetValue(schemaId, out schema);
        }
    }

    /// <summary>Finds a resource type by name, case-insensitively.</summary>
    /// <param name="name">The resource type name, e.g. <c>User</c>.</param>
    /// <param name="resourceType">The resolved resource type, when found.</param>
    /// <returns><see langword="true"/> when the resource type is registered.</returns>
    public bool TryGetResourceType(string name, [NotNullWhen(true)] out ResourceTypeDefinition? resourceType)
    {
        lock (_gate)
        {
            if (!_resourceTypes.ContainsKey(name))
            {
                resourceType = null;
                return false;
            }

            resourceType = ResolveLocked(name);
            return true;
        }
    }

    /// <summary>Gets a resource type by name.</summary>
    /// <param name="name">The resource type name, e.g. <c>User</c>.</param>
    /// <returns>The resolved resource type.</returns>
    /// <exception cref="KeyNotFoundException">No resource type has that name.</exception>
    public ResourceTypeDefinition GetResourceType(string name) =>
        TryGetResourceType(name, out var resourceType)
            ? resourceType
            : throw new KeyNotFoundException($"No resource type named '{name}' is registered.");

    private ResourceTypeDefinition ResolveLocked(string name)
    {
        if (_resolved.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var registration = _resourceTypes[name];
        var extensions = registration.Extensions
            .Select(e => new SchemaExtension(_schemas[e.SchemaId], e.Required))
            .ToArray();
        var resolved = new ResourceTypeDefinition(registration.Name, registration.Endpoint, _schemas[registration.SchemaId], extensions)
        {
            Description = registration.Description,
        };
        _resolved[name] = resolved;
        return resolved;
    }

    private void AddSchemaLocked(SchemaDefinition schema)
    {
        if (!_schemas.TryAdd(schema.Id, schema))
        {
            throw new InvalidOperationException($"A schema with id '{schema.Id}' is already registered (schema ids are compared case-insensitively).");
        }

        _resolved.Clear();
    }

    private ResourceTypeRegistration CheckExtensionLocked(string resourceType, SchemaDefinition schema)
    {
        if (!_resourceTypes.TryGetValue(resourceType, out var registration))
        {
            throw new InvalidOperationException($"No resource type named '{resourceType}' is registered; call AddResourceType first.");
        }

        var owner = _resourceTypes.Values.FirstOrDefault(r => string.Equals(r.SchemaId, schema.Id, StringComparison.OrdinalIgnoreCase));
        if (owner is not null)
        {
            throw new InvalidOperationException($"Schema '{schema.Id}' cannot extend resource type '{registration.Name}': it is the core schema of resource type '{owner.Name}'. An extension needs its own URN.");
        }

        if (registration.HasExtension(schema.Id))
        {
            throw new InvalidOperationException($"Resource type '{registration.Name}' already has extension '{schema.Id}'.");
        }

        EnsureNoReservedNames(schema, registration.Name);
        return registration;
    }

    private static void EnsureNoReservedNames(SchemaDefinition schema, string resourceType)
    {
        foreach (var reserved in SchemaValidation.ReservedResourceAttributeNames)
        {
            if (schema.FindAttribute(reserved) is { } attribute)
            {
                throw new ArgumentException(
                    $"Schema '{schema.Id}' defines attribute '{attribute.Name}', which every resource of type '{resourceType}' already has (RFC 7643 §3, §3.1); remove it from the schema.",
                    nameof(schema));
            }
        }
    }

    private sealed record ResourceTypeRegistration(string Name, string Endpoint, string SchemaId, string Description)
    {
        public List<(string SchemaId, bool Required)> Extensions { get; } = [];

        public bool HasExtension(string schemaId) =>
            Extensions.Exists(e => string.Equals(e.SchemaId, schemaId, StringComparison.OrdinalIgnoreCase));

        public bool Uses(string schemaId) =>
            string.Equals(SchemaId, schemaId, StringComparison.OrdinalIgnoreCase) || HasExtension(schemaId);
    }
}
