using System.Text.Json.Nodes;
using Jostle.Scim.Filtering;
using Jostle.Scim.Filtering.Binding;
using Jostle.Scim.Filtering.Compilation.Element;
using Jostle.Scim.Schema;

namespace Jostle.Scim.Tests.Filtering;

/// <summary>
/// The element-scope lowering (PATCH value filters) runs the shared case file too: every case that is one value filter
/// on a multi-valued complex attribute of the core User schema is evaluated element by element with
/// <see cref="ElementFilter"/> and must select the same users, or fail with the same message, as the in-memory lowering.
/// </summary>
public class ElementScopeLoweringTests
{
    private static readonly ResourceTypeDefinition User = SchemaRegistry.CreateDefault().GetResourceType("User");

    private static readonly Lazy<JsonObject[]> Users = new(() =>
    {
        var json = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Cases", "eval-users.json"));
        return [.. JsonNode.Parse(json)!.AsArray().Select(u => u!.AsObject())];
    });

    public static TheoryData<int, string, string> Cases
    {
        get
        {
            var cases = new TheoryData<int, string, string>();
            foreach (var row in EvalCases.Load("filters.eval.txt"))
            {
                var (line, text, expected) = ((int)row[0], (string)row[1], (string)row[2]);
                if (ScimFilter.TryParse(text, out var filter, out _) && filter is ValuePathExpression { Path: { SchemaUri: null, SubAttribute: null } path }
                    && User.Schema.FindAttribute(path.Name) is { MultiValued: true, Type: AttributeType.Complex })
                {
                    cases.Add(line, text, expected);
                }
            }

            return cases;
        }
    }

    [Fact]
    public void TheCaseFileHasValueFilterCasesForTheElementLowering() => Assert.True(Cases.Count >= 10, $"only {Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public void ElementLoweringAgreesWithTheCaseFile(int line, string filterText, string expected)
    {
        var valuePath = (ValuePathExpression)ScimFilter.Parse(filterText);
        var attribute = User.Schema.FindAttribute(valuePath.Path.Name)!;
        var filter = ElementFilter.Create(valuePath.Filter, attribute, out var error);
        if (expected.StartsWith('!'))
        {
            Assert.Equal(expected[1..], error);
            return;
        }

        Assert.True(error is null, $"line {line}: {error}");
        var matched = Users.Value
            .Where(u => u[attribute.Name] is JsonArray elements && elements.Any(filter.Matches))
            .Select(u => (string)u["id"]!);
        Assert.Equal(expected, string.Join(",", matched));
    }

    [Theory]
    [InlineData("value gt null", "Operator 'gt' cannot compare attribute 'emails.value' with null; only 'eq null' (not present) and 'ne null' (present) are allowed.")]
    [InlineData("primary co \"x\"", "Operator 'co' cannot be used with boolean attribute 'emails.primary'.")]
    [InlineData("value eq 42", "Cannot compare string attribute 'emails.value' with the number 42; use a quoted string.")]
    [InlineData("kind eq \"work\"", "Unknown attribute 'emails.kind' in filter.")]
    public void PatchValueFiltersAreCheckedLikeEveryOtherFilter(string inner, string message)
    {
        var emails = User.Schema.FindAttribute("emails")!;
        ElementFilter.Create(ScimFilter.Parse(inner), emails, out var elementError);
        Assert.False(ScimFilter.TryCompile(ScimFilter.Parse($"emails[{inner}]"), User, out _, out var queryError));
        Assert.Equal(message, elementError);
        Assert.Equal(message, queryError.Message);
    }

    [Fact]
    public void TheBinderTurnsNeIntoNotEqAndEqNullIntoNotPresent()
    {
        var bound = FilterBinder.Bind(ScimFilter.Parse("userName ne \"a\" and title eq null"), User);
        var and = Assert.IsType<BoundLogical>(bound);
        Assert.IsType<BoundComparison>(Assert.IsType<BoundNot>(and.Operands[0]).Operand);
        Assert.IsType<BoundPresent>(Assert.IsType<BoundNot>(and.Operands[1]).Operand);
    }

    [Fact]
    public void TheBinderComparesAComplexAttributeByItsValue()
    {
        var bound = Assert.IsType<BoundComparison>(FilterBinder.Bind(ScimFilter.Parse("emails eq \"a@b.c\""), User));
        Assert.Equal("emails.value", bound.Path.DisplayPath);
        Assert.Equal(ComparisonKind.CaseIgnoredString, bound.Kind);
    }

    [Fact]
    public void TheBinderParsesDateTimesOnceIntoUtc()
    {
        var bound = Assert.IsType<BoundComparison>(FilterBinder.Bind(ScimFilter.Parse("meta.created gt \"2024-01-01T02:00:00+02:00\""), User));
        Assert.Equal(ComparisonKind.DateTime, bound.Kind);
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), bound.Value.DateTime);
    }

    [Fact]
    public void AVisitorRefusesANodeItDoesNotKnow()
    {
        var visitor = new CountingVisitor();
        Assert.Throws<InvalidOperationException>(() => visitor.Visit(null!));
    }

    private sealed class CountingVisitor : BoundFilterVisitor<int>
    {
        protected override int VisitComparison(BoundComparison node) => 1;

        protected override int VisitPresent(BoundPresent node) => 1;

        protected override int VisitLogical(BoundLogical node) => node.Operands.Sum(Visit);

        protected override int VisitNot(BoundNot node) => Visit(node.Operand);

        protected override int VisitValuePath(BoundValuePath node) => Visit(node.Filter);
    }
}
