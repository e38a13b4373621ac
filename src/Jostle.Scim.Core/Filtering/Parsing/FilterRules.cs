namespace Jostle.Scim.Filtering.Parsing;

/// <summary>Which compatibility rules a grammar instance (<see cref="FilterGrammar{TRules}"/>) accepts.</summary>
internal interface IFilterRules
{
    static abstract FilterCompatibility Rules { get; }
}

/// <summary>RFC 7644 only.</summary>
internal readonly struct StrictRules : IFilterRules
{
    public static FilterCompatibility Rules => FilterCompatibility.None;
}

/// <summary>RFC 7644 plus <see cref="FilterCompatibility.ValuePathSubAttribute"/>.</summary>
internal readonly struct ValuePathSubAttributeRules : IFilterRules
{
    public static FilterCompatibility Rules => FilterCompatibility.ValuePathSubAttribute;
}

/// <summary>RFC 7644 plus <see cref="FilterCompatibility.UnquotedValues"/>.</summary>
internal readonly struct UnquotedValuesRules : IFilterRules
{
    public static FilterCompatibility Rules => FilterCompatibility.UnquotedValues;
}

/// <summary>RFC 7644 plus every compatibility rule.</summary>
internal readonly struct AllRules : IFilterRules
{
    public static FilterCompatibility Rules => FilterCompatibility.All;
}

/// <summary>The tail of <c>attrExp</c>: <c>compareOp compValue</c>, or <c>pr</c> when <see cref="Value"/> is <see langword="null"/>.</summary>
internal readonly record struct Condition(ComparisonOperator Operator, FilterValue? Value)
{
    public FilterExpression ToExpression(AttributePath path) =>
        Value is null ? new PresentExpression(path) : new ComparisonExpression(path, Operator, Value);
}
