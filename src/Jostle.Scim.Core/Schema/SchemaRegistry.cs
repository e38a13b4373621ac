using System.Diagnostics.CodeAnalysis;

namespace Jostle.Scim.Schema;

/// <summary>
/// The schemas and resource types a service provider knows. <see cref="CreateDefault"/> gives the
/// built-in User (with the Enterprise and Jostle extensions) and Group resource types; hosts add
/// their own extension schemas and attributes in code. The discovery documents (<c>/Schemas</c>,
/// <c>/ResourceTypes</c>) are generated from it.
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

    /// <summary>Adds a schema. A schema with the same id must not already exist.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>This registry.</returns>
    public SchemaRegistry AddSchema(SchemaDefinition schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        lock (_gate)
        {
            if (!_schemas.TryAdd(schema.Id, schema))
            {
                throw new InvalidOperationException($"A schema with id '{schema.Id}' is already registered.");
            }

            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Adds attributes to a registered schema (for example, new fields of an extension).</summary>
    /// <param name="schemaId">The schema URN.</param>
    /// <param name="attributes">The attributes to add; their names must be new to the schema.</param>
    /// <returns>This registry.</returns>
    public SchemaRegistry AddAttributes(string schemaId, params IEnumerable<AttributeDefinition> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        lock (_gate)
        {
            if (!_schemas.TryGetValue(schemaId, out var schema))
            {
                throw new InvalidOperationException($"No schema with id '{schemaId}' is registered.");
            }

            var list = schema.Attributes.ToList();
            foreach (var attribute in attributes)
            {
                if (schema.FindAttribute(attribute.Name) is not null || list.Exists(a => string.Equals(a.Name, attribute.Name, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new InvalidOperationException($"Schema '{schemaId}' already has an attribute named '{attribute.Name}'.");
                }

                list.Add(attribute);
            }

            _schemas[schemaId] = new SchemaDefinition(schema.Id, schema.Name, list) { Description = schema.Description };
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
    public SchemaRegistry AddResourceType(string name, string endpoint, string schemaId, string description = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        lock (_gate)
        {
            if (!_schemas.ContainsKey(schemaId))
            {
                throw new InvalidOperationException($"Resource type '{name}' names schema '{schemaId}', which is not registered; call AddSchema first.");
            }

            if (!_resourceTypes.TryAdd(name, new ResourceTypeRegistration(name, endpoint, schemaId, description)))
            {
                throw new InvalidOperationException($"A resource type named '{name}' is already registered.");
            }

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
    public SchemaRegistry AddSchemaExtension(string resourceType, string schemaId, bool required = false)
    {
        lock (_gate)
        {
            if (!_resourceTypes.TryGetValue(resourceType, out var registration))
            {
                throw new InvalidOperationException($"No resource type named '{resourceType}' is registered.");
            }

            if (!_schemas.ContainsKey(schemaId))
            {
                throw new InvalidOperationException($"Extension schema '{schemaId}' is not registered; call AddSchema first.");
            }

            if (registration.Extensions.Exists(e => string.Equals(e.SchemaId, schemaId, StringComparison.OrdinalIgnoreCase)))
            {
                throw new InvalidOperationException($"Resource type '{resourceType}' already has extension '{schemaId}'.");
            }

            registration.Extensions.Add((schemaId, required));
            _resolved.Clear();
        }

        return this;
    }

    /// <summary>Adds an extension schema and attaches it to a resource type in one call.</summary>
    /// <param name="resourceType">The resource type name, e.g. <c>User</c>.</param>
    /// <param name="schema">The extension schema.</param>
    /// <param name="required">Whether every resource must carry the extension.</param>
    /// <returns>This registry.</returns>
    public SchemaRegistry AddSchemaExtension(string resourceType, SchemaDefinition schema, bool required = false)
    {
        ArgumentNullException.ThrowIfNull(schema);
        AddSchema(schema);
        return AddSchemaExtension(resourceType, schema.Id, required);
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

    private sealed record ResourceTypeRegistration(string Name, string Endpoint, string SchemaId, string Description)
    {
        public List<(string SchemaId, bool Required)> Extensions { get; } = [];
    }
}
