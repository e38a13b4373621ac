namespace Jostle.Scim.Service;

/// <summary>
/// Where the service takes the <c>id</c> of a new resource and the <c>meta.version</c> of a group whose members changed
/// without its document being rewritten. The default is random (a GUID each); a test set-up registers a predictable one
/// (before <c>AddJostleScim</c>, or replacing it) so responses can be pinned in snapshot files without scrubbing.
/// </summary>
public interface IScimIdGenerator
{
    /// <summary>A new resource id, unique in the tenant.</summary>
    /// <param name="resourceType">The resource type's name, <c>User</c> or <c>Group</c>.</param>
    /// <returns>The id.</returns>
    string NewId(string resourceType);

    /// <summary>A new opaque version tag (without the <c>W/"…"</c> quoting), different from every earlier one.</summary>
    /// <returns>The tag.</returns>
    string NewVersion();
}

/// <summary>The default <see cref="IScimIdGenerator"/>: random GUIDs.</summary>
internal sealed class GuidScimIdGenerator : IScimIdGenerator
{
    public string NewId(string resourceType) => Guid.NewGuid().ToString();

    public string NewVersion() => Guid.NewGuid().ToString("N");
}
