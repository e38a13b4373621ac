using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Analysis;

/// <summary>
/// What stores and PATCH read off a filter before running it, in one place: the equality an index can answer, the
/// e-mail every match must have, whether the filter reads an attribute (a group's <c>members</c>), the values a
/// member-removal filter names. Each is a pure function of the filter (and the resource type where a path must be
/// resolved); none evaluates anything. A host's own store can use them to pick its indexes the way the library's
/// stores do.
/// </summary>
public static class ScimFilterAnalysis
{
    /// <summary>
    /// An <c>attr eq "text"</c> that every match must satisfy (the filter itself, or an operand of a top-level
    /// <c>and</c>), on a single-valued string attribute of the core schema for which <paramref name="indexed"/> says
    /// yes; <see langword="null"/> when there is none.
    /// </summary>
    /// <param name="filter">The filter, or <see langword="null"/>.</param>
    /// <param name="resourceType">The resource type whose schema resolves the path.</param>
    /// <param name="indexed">Whether the store has an index on an attribute.</param>
    /// <returns>The attribute and the value, or <see langword="null"/>.</returns>
    public static (AttributeDefinition Attribute, string Value)? IndexableEquality(FilterExpression? filter, ResourceTypeDefinition resourceType, Func<AttributeDefinition, bool> indexed)
    {
        ArgumentNullException.ThrowIfNull(resourceType);
        ArgumentNullException.ThrowIfNull(indexed);
        switch (filter)
        {
            case ComparisonExpression { Operator: ComparisonOperator.Equal, Value: { Kind: FilterValueKind.String, Text: { } text }, Path: { SubAttribute: null } path }
                when resourceType.TryResolve(path.SchemaUri, path.Name, out var schema, out var attribute)
                    && ReferenceEquals(schema, resourceType.Schema)
                    && attribute.Type == AttributeType.String
                    && !attribute.MultiValued
                    && indexed(attribute):
                return (attribute, text);
            case LogicalExpression { Operator: LogicalOperator.And } and:
                foreach (var operand in and.Operands)
                {
                    if (IndexableEquality(operand, resourceType, indexed) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The user name of a filter that is exactly <c>userName eq "…"</c> (the lookup Entra makes for every user of every cycle); otherwise <see langword="null"/>.</summary>
    /// <param name="filter">The filter, or <see langword="null"/>.</param>
    /// <returns>The user name, or <see langword="null"/>.</returns>
    public static string? UserNameEquality(FilterExpression? filter) =>
        filter is ComparisonExpression { Operator: ComparisonOperator.Equal } comparison
        && comparison.Value.Kind == FilterValueKind.String
        && comparison.Path is { SubAttribute: null } path
        && string.Equals(path.Name, "userName", StringComparison.OrdinalIgnoreCase)
        && (path.SchemaUri is null || string.Equals(path.SchemaUri, ScimSchemaUris.User, StringComparison.OrdinalIgnoreCase))
            ? comparison.Value.Text
            : null;

    /// <summary>
    /// An email value that every match of a filter must have (<c>emails[type eq "work"].value eq "a@b.c"</c>,
    /// <c>emails.value eq …</c>, alone or inside a top-level <c>and</c>), so a store can start from an email index.
    /// </summary>
    /// <param name="filter">The filter, or <see langword="null"/>.</param>
    /// <returns>The e-mail value, or <see langword="null"/>.</returns>
    public static string? RequiredEmail(FilterExpression? filter) => filter switch
    {
        LogicalExpression { Operator: LogicalOperator.And } and => and.Operands.Select(RequiredEmail).FirstOrDefault(value => value is not null),
        ValuePathExpression valuePath when IsEmails(valuePath.Path) => RequiredValue(valuePath.Filter),
        ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison
            when IsEmails(comparison.Path) && (comparison.Path.SubAttribute is null || IsValue(comparison.Path.SubAttribute)) => comparison.Value.Text,
        _ => null,
    };

    /// <summary>Whether a filter names the top-level attribute <paramref name="name"/> anywhere (e.g. a group's <c>members</c>).</summary>
    /// <param name="filter">The filter, or <see langword="null"/>.</param>
    /// <param name="name">The attribute name (case-insensitive).</param>
    /// <returns>Whether the filter names it.</returns>
    public static bool Mentions(FilterExpression? filter, string name) => filter switch
    {
        null => false,
        ComparisonExpression c => Is(c.Path, name),
        PresentExpression p => Is(p.Path, name),
        ValuePathExpression v => Is(v.Path, name),
        NotExpression n => Mentions(n.Operand, name),
        LogicalExpression l => l.Operands.Any(o => Mentions(o, name)),
        _ => throw new InvalidOperationException($"Unknown filter node {filter.GetType().Name}."),
    };

    /// <summary>For a value filter <c>value eq "a" or value eq "b"</c>, the listed values; otherwise <see langword="null"/>.</summary>
    /// <param name="filter">The value filter of a PATCH path such as <c>members[value eq "a" or value eq "b"]</c>.</param>
    /// <returns>The values, or <see langword="null"/> when the filter is anything else.</returns>
    public static List<string>? ValueEqualities(FilterExpression filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var values = new List<string>();
        return Collect(filter, values) ? values : null;

        static bool Collect(FilterExpression node, List<string> values)
        {
            switch (node)
            {
                case ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } c
                    when c.Path.SchemaUri is null && c.Path.SubAttribute is null && IsValue(c.Path.Name):
                    values.Add(c.Value.Text!);
                    return true;
                case LogicalExpression { Operator: LogicalOperator.Or } l:
                    return l.Operands.All(o => Collect(o, values));
                default:
                    return false;
            }
        }
    }

    private static string? RequiredValue(FilterExpression inner) => inner switch
    {
        LogicalExpression { Operator: LogicalOperator.And } and => and.Operands.Select(RequiredValue).FirstOrDefault(value => value is not null),
        ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison
            when comparison.Path.SchemaUri is null && comparison.Path.SubAttribute is null
                 && IsValue(comparison.Path.Name) => comparison.Value.Text,
        _ => null,
    };

    private static bool Is(AttributePath path, string name) => string.Equals(path.Name, name, StringComparison.OrdinalIgnoreCase);

    private static bool IsValue(string name) => string.Equals(name, "value", StringComparison.OrdinalIgnoreCase);

    private static bool IsEmails(AttributePath path) =>
        string.Equals(path.Name, "emails", StringComparison.OrdinalIgnoreCase)
        && (path.SchemaUri is null || string.Equals(path.SchemaUri, ScimSchemaUris.User, StringComparison.OrdinalIgnoreCase));
}
