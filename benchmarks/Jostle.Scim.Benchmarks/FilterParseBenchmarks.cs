using BenchmarkDotNet.Attributes;
using Jostle.Scim.Filtering;

namespace Jostle.Scim.Benchmarks;

/// <summary>Parsing the filters Entra ID sends on every provisioning cycle, and a larger one.</summary>
[MemoryDiagnoser]
public class FilterParseBenchmarks
{
    private const string UserNameEq = "userName eq \"bjensen@example.com\"";
    private const string EntraEmail = "emails[type eq \"work\"].value eq \"bjensen@example.com\"";
    private const string Complex = "userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\") and not (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value pr)";

    [Benchmark(Baseline = true)]
    public FilterExpression UserNameEquals() => ScimFilter.Parse(UserNameEq);

    [Benchmark]
    public FilterExpression EntraValuePathSubAttribute() => ScimFilter.Parse(EntraEmail);

    [Benchmark]
    public FilterExpression ComplexFilter() => ScimFilter.Parse(Complex);

    [Benchmark]
    public PatchPath PatchPathWithValueFilter() => PatchPath.Parse("emails[type eq \"work\"].value");
}
