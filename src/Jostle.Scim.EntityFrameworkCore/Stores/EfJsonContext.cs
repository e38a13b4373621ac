using System.Text.Json.Serialization;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>Source-generated JSON for the few lists the EF Core stores keep as JSON text.</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class EfJsonContext : JsonSerializerContext;
