namespace Jostle.Scim.Resources;

/// <summary>Options for a <see cref="ScimResourceEngine"/>.</summary>
public sealed class ScimResourceOptions
{
    /// <summary>The options used when none are given.</summary>
    public static ScimResourceOptions Default { get; } = new();

    /// <summary>
    /// The compatibility rules in force for request bodies. Validation uses <see cref="ScimCompatibility.StringBooleans"/>;
    /// the other flags belong to PATCH. Default: <see cref="ScimCompatibility.Default"/>.
    /// </summary>
    public ScimCompatibility Compatibility { get; init; } = ScimCompatibility.Default;

    /// <summary>The clock used for <c>meta.created</c> and <c>meta.lastModified</c>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
