using System.Globalization;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>The kinds of concurrency token an entity map's <c>meta.version</c> can be.</summary>
internal enum EntityVersionKind
{
    /// <summary>An int or long the store increments.</summary>
    Counter,

    /// <summary>A DateTime or DateTimeOffset the store sets to now (later than before).</summary>
    Timestamp,

    /// <summary>A string the store sets to the library's version of the document.</summary>
    Text,

    /// <summary>PostgreSQL's <c>xmin</c> (uint): the database changes it on every update.</summary>
    Xmin,
}

/// <summary>Reads, formats and advances an entity's concurrency token as <c>meta.version</c>.</summary>
internal static class EntityVersion
{
    public static EntityVersionKind? KindOf(Type type) =>
        type == typeof(int) || type == typeof(long) ? EntityVersionKind.Counter
        : type == typeof(DateTime) || type == typeof(DateTimeOffset) ? EntityVersionKind.Timestamp
        : type == typeof(string) ? EntityVersionKind.Text
        : type == typeof(uint) ? EntityVersionKind.Xmin
        : null;

    /// <summary>The token as a weak ETag: <c>W/"7"</c> for a counter or xmin, the ticks for a timestamp, the string as stored.</summary>
    public static string Format(object? token) => token switch
    {
        null => "W/\"0\"",
        string text => text,
        DateTime instant => Weak(DateTime.SpecifyKind(instant, DateTimeKind.Utc).Ticks),
        DateTimeOffset offset => Weak(offset.UtcTicks),
        IFormattable number => "W/\"" + number.ToString(null, CultureInfo.InvariantCulture) + "\"",
        _ => "W/\"" + token + "\"",
    };

    private static string Weak(long ticks) => "W/\"" + ticks.ToString(CultureInfo.InvariantCulture) + "\"";

    /// <summary>
    /// Advances the token for a write: a counter by one, a timestamp to now (at microsecond precision, as PostgreSQL
    /// keeps it, and always later than before), a string to <paramref name="libraryVersion"/>. xmin is the database's.
    /// </summary>
    public static void Advance(object entity, EntityMember member, string libraryVersion, DateTimeOffset now)
    {
        var current = member.Get(entity);
        switch (KindOf(member.ValueType))
        {
            case EntityVersionKind.Counter:
                member.Set(entity, member.ValueType == typeof(int) ? (object)((int)(current ?? 0) + 1) : (long)(current ?? 0L) + 1);
                break;
            case EntityVersionKind.Timestamp:
                var ticks = now.UtcTicks - (now.UtcTicks % 10);
                var previous = current switch { DateTime d => DateTime.SpecifyKind(d, DateTimeKind.Utc).Ticks, DateTimeOffset o => o.UtcTicks, _ => 0L };
                if (ticks <= previous)
                {
                    ticks = previous - (previous % 10) + 10;
                }

                member.Set(entity, member.ValueType == typeof(DateTime) ? (object)new DateTime(ticks, DateTimeKind.Utc) : new DateTimeOffset(ticks, TimeSpan.Zero));
                break;
            case EntityVersionKind.Text:
                member.Set(entity, string.Equals(current as string, libraryVersion, StringComparison.Ordinal) ? "W/\"" + Guid.NewGuid().ToString("N") + "\"" : libraryVersion);
                break;
            default:
                break;
        }
    }
}
