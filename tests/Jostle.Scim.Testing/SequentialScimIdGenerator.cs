using Jostle.Scim.Service;

namespace Jostle.Scim.Testing;

/// <summary>
/// A predictable <see cref="IScimIdGenerator"/> for tests: ids <c>User-0001</c>, <c>Group-0002</c>, … and versions
/// <c>v1</c>, <c>v2</c>, … in the order they are asked for. With a fake clock (register a <see cref="TimeProvider"/>,
/// e.g. <c>FakeTimeProvider</c>) every response of a scripted run is the same, so a host can pin its own
/// <c>/Users</c>, <c>/Groups</c> and discovery responses in snapshot files without scrubbing ids or timestamps.
/// Register it before the first request: <c>services.AddSingleton&lt;IScimIdGenerator, SequentialScimIdGenerator&gt;()</c>.
/// </summary>
public sealed class SequentialScimIdGenerator : IScimIdGenerator
{
    private int _ids;
    private int _versions;

    /// <inheritdoc />
    public string NewId(string resourceType) =>
        resourceType + "-" + Interlocked.Increment(ref _ids).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public string NewVersion() => "v" + Interlocked.Increment(ref _versions).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
