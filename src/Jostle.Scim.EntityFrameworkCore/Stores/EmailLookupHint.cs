using Jostle.Scim.Filtering;
using Jostle.Scim.Schema;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// Finds an email value that every match of a filter must have (<c>emails[type eq "work"].value eq "a@b.c"</c>,
/// <c>emails.value eq …</c>, alone or inside a top-level <c>and</c>). The user store adds it as a redundant
/// <c>key IN (SELECT user_key FROM scim_user_emails WHERE normalized_value = …)</c>, which lets the database start
/// from the email index instead of testing an <c>EXISTS</c> for every user of the tenant.
/// </summary>
internal static class EmailLookupHint
{
    public static string? Find(FilterExpression filter) => filter switch
    {
        LogicalExpression { Operator: LogicalOperator.And } and => and.Operands.Select(Find).FirstOrDefault(value => value is not null),
        ValuePathExpression valuePath when IsEmails(valuePath.Path) => FindValue(valuePath.Filter),
        ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison
            when IsEmails(comparison.Path) && (comparison.Path.SubAttribute is null || IsValue(comparison.Path.SubAttribute)) => comparison.Value.Text,
        _ => null,
    };

    private static string? FindValue(FilterExpression inner) => inner switch
    {
        LogicalExpression { Operator: LogicalOperator.And } and => and.Operands.Select(FindValue).FirstOrDefault(value => value is not null),
        ComparisonExpression { Operator: ComparisonOperator.Equal, Value.Kind: FilterValueKind.String } comparison
            when comparison.Path.SchemaUri is null && comparison.Path.SubAttribute is null
                 && IsValue(comparison.Path.Name) => comparison.Value.Text,
        _ => null,
    };

    private static bool IsValue(string name) => string.Equals(name, "value", StringComparison.OrdinalIgnoreCase);

    private static bool IsEmails(AttributePath path) =>
        string.Equals(path.Name, "emails", StringComparison.OrdinalIgnoreCase)
        && (path.SchemaUri is null || string.Equals(path.SchemaUri, ScimSchemaUris.User, StringComparison.OrdinalIgnoreCase));
}
