using Jostle.Scim.Schema;

namespace Jostle.Scim.Filtering.Binding;

/// <summary>How a bound comparison compares, decided once from the attribute's type and <c>caseExact</c>.</summary>
internal enum ComparisonKind
{
    /// <summary>Strings (also references and binary), ordinal.</summary>
    CaseExactString,
    /// <summary>Strings, ordinal ignoring case.</summary>
    CaseIgnoredString,
    /// <summary><c>true</c>/<c>false</c>; only <c>eq</c>.</summary>
    Boolean,
    /// <summary>Integers and decimals, numerically.</summary>
    Number,
    /// <summary>dateTimes, chronologically.</summary>
    DateTime,
}

/// <summary>
/// An attribute path resolved against the schema registry: which schema, which attribute, which sub-attribute. Inside a
/// value filter (<c>emails[type eq "work"]</c>) a path is relative to one element: <see cref="Attribute"/> is the complex
/// attribute of the value filter and <see cref="SubAttribute"/> the sub-attribute tested.
/// </summary>
internal sealed class BoundPath
{
    public BoundPath(SchemaDefinition? schema, bool isExtension, AttributeDefinition attribute, AttributeDefinition? subAttribute, bool isElementRelative, string displayPath)
    {
        Schema = schema;
        IsExtension = isExtension;
        Attribute = attribute;
        SubAttribute = subAttribute;
        IsElementRelative = isElementRelative;
        DisplayPath = displayPath;
    }

    /// <summary>The schema that defines <see cref="Attribute"/>; <see langword="null"/> for a PATCH value filter bound on its attribute alone.</summary>
    public SchemaDefinition? Schema { get; }

    /// <summary>Whether <see cref="Schema"/> is an extension (its attributes live under the schema URN in a document).</summary>
    public bool IsExtension { get; }

    /// <summary>The top-level attribute (for an element-relative path, the complex attribute of the value filter).</summary>
    public AttributeDefinition Attribute { get; }

    /// <summary>The sub-attribute, or <see langword="null"/>.</summary>
    public AttributeDefinition? SubAttribute { get; }

    /// <summary>Whether the path is relative to one element of <see cref="Attribute"/> (inside a value filter).</summary>
    public bool IsElementRelative { get; }

    /// <summary>The path as the schema spells it, for messages: <c>name.givenName</c>, <c>emails.value</c>, <c>urn:…:manager.value</c>.</summary>
    public string DisplayPath { get; }

    /// <summary>The attribute whose values are tested: the sub-attribute if any, else the attribute.</summary>
    public AttributeDefinition Leaf => SubAttribute ?? Attribute;

    /// <summary>Whether the values reached may be several (a multi-valued attribute on the way, outside an element scope).</summary>
    public bool IsMultiValued => !IsElementRelative && (Attribute.MultiValued || (SubAttribute?.MultiValued ?? false));

    /// <summary>The same path with another sub-attribute (used to compare a complex attribute's <c>value</c>).</summary>
    public BoundPath WithSubAttribute(AttributeDefinition sub) =>
        new(Schema, IsExtension, Attribute, sub, IsElementRelative, DisplayPath + "." + sub.Name);

    /// <inheritdoc />
    public override string ToString() => DisplayPath;
}

/// <summary>A comparison value checked against the attribute's type and read once (numbers and dateTimes parsed here).</summary>
internal sealed class BoundValue
{
    private BoundValue(FilterValue raw, string? text, bool boolean, double number, decimal? exactNumber, DateTimeOffset dateTime)
    {
        Raw = raw;
        Text = text;
        Boolean = boolean;
        Number = number;
        ExactNumber = exactNumber;
        DateTime = dateTime;
    }

    /// <summary>The value as written in the filter.</summary>
    public FilterValue Raw { get; }

    /// <summary>The string (for string comparisons), or the number's lexeme.</summary>
    public string? Text { get; }

    /// <summary>The boolean (for boolean comparisons).</summary>
    public bool Boolean { get; }

    /// <summary>The number as a double (for number comparisons).</summary>
    public double Number { get; }

    /// <summary>The number as a decimal, when it fits one.</summary>
    public decimal? ExactNumber { get; }

    /// <summary>The dateTime, in UTC (for dateTime comparisons).</summary>
    public DateTimeOffset DateTime { get; }

    public static BoundValue String(FilterValue raw) => new(raw, raw.Text, false, 0, null, default);

    public static BoundValue Bool(FilterValue raw) => new(raw, null, raw.BooleanValue, 0, null, default);

    public static BoundValue Numeric(FilterValue raw, double number, decimal? exact) => new(raw, raw.Text, false, number, exact, default);

    public static BoundValue When(FilterValue raw, DateTimeOffset when) => new(raw, raw.Text, false, 0, null, when);

    /// <inheritdoc />
    public override string ToString() => Raw.ToString();
}

/// <summary>
/// A filter whose attribute paths are resolved and whose operators and values are checked against the schema: what
/// every lowering (delegates for the in-memory store, element scope for PATCH, LINQ for databases) starts from.
/// <c>ne</c> is already <c>not eq</c>, <c>eq null</c> is <c>not pr</c> and <c>ne null</c> is <c>pr</c>, and a complex
/// attribute compared without a sub-attribute compares its <c>value</c>, so a lowering has none of these choices to make.
/// </summary>
internal abstract class BoundFilter
{
    private protected BoundFilter()
    {
    }
}

/// <summary><c>attr op value</c>, the operator never <c>ne</c>: some value of the attribute compares true.</summary>
internal sealed class BoundComparison(BoundPath path, ComparisonOperator op, ComparisonKind kind, BoundValue value) : BoundFilter
{
    public BoundPath Path { get; } = path;

    public ComparisonOperator Operator { get; } = op;

    public ComparisonKind Kind { get; } = kind;

    public BoundValue Value { get; } = value;

    /// <summary>Whether the operator is <c>co</c>, <c>sw</c> or <c>ew</c>.</summary>
    public bool IsSubstring => Operator is ComparisonOperator.Contains or ComparisonOperator.StartsWith or ComparisonOperator.EndsWith;

    public override string ToString() => $"{Path} {FilterExpression.Keyword(Operator)} {Value}";
}

/// <summary><c>attr pr</c>: some value of the attribute is present (not null, not "", not an empty array or object).</summary>
internal sealed class BoundPresent(BoundPath path) : BoundFilter
{
    public BoundPath Path { get; } = path;

    public override string ToString() => $"{Path} pr";
}

/// <summary><c>a and b and …</c> or <c>a or b or …</c>.</summary>
internal sealed class BoundLogical(LogicalOperator op, IReadOnlyList<BoundFilter> operands) : BoundFilter
{
    public LogicalOperator Operator { get; } = op;

    public IReadOnlyList<BoundFilter> Operands { get; } = operands;

    public override string ToString() => "(" + string.Join(Operator == LogicalOperator.And ? " and " : " or ", Operands) + ")";
}

/// <summary><c>not (…)</c>.</summary>
internal sealed class BoundNot(BoundFilter operand) : BoundFilter
{
    public BoundFilter Operand { get; } = operand;

    public override string ToString() => $"not ({Operand})";
}

/// <summary><c>attr[filter]</c>: some element of the complex attribute satisfies the whole inner filter, whose paths are element-relative.</summary>
internal sealed class BoundValuePath(BoundPath path, BoundFilter filter) : BoundFilter
{
    public BoundPath Path { get; } = path;

    public BoundFilter Filter { get; } = filter;

    public override string ToString() => $"{Path}[{Filter}]";
}

/// <summary>
/// The dispatch every pass over a bound filter shares. An unknown node is an error, never a silent result.
/// </summary>
/// <typeparam name="TResult">What the pass produces per node.</typeparam>
internal abstract class BoundFilterVisitor<TResult>
{
    public TResult Visit(BoundFilter node) => node switch
    {
        BoundComparison comparison => VisitComparison(comparison),
        BoundPresent present => VisitPresent(present),
        BoundLogical logical => VisitLogical(logical),
        BoundNot not => VisitNot(not),
        BoundValuePath valuePath => VisitValuePath(valuePath),
        _ => throw new InvalidOperationException($"Unknown bound filter node {node?.GetType().Name ?? "null"}."),
    };

    protected abstract TResult VisitComparison(BoundComparison node);

    protected abstract TResult VisitPresent(BoundPresent node);

    protected abstract TResult VisitLogical(BoundLogical node);

    protected abstract TResult VisitNot(BoundNot node);

    protected abstract TResult VisitValuePath(BoundValuePath node);
}
