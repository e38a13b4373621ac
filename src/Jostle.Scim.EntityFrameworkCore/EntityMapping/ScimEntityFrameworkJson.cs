using Jostle.Scim.Filtering.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// The JSON functions a host's own <see cref="DbContext"/> needs so that SCIM filters on a JSON text column (an
/// entity-mapped store's overflow column, or any <see cref="ScimAttributeMap{TEntity}.MapDocument"/>) run in SQL on
/// SQLite and PostgreSQL.
/// </summary>
/// <example>
/// <code>
/// protected override void OnModelCreating(ModelBuilder modelBuilder)
/// {
///     modelBuilder.HasScimJsonFunctions(Database);
/// }
/// </code>
/// </example>
public static class ScimEntityFrameworkJson
{
    /// <summary>Reads JSON values in a query through the functions <see cref="HasScimJsonFunctions"/> registers; pass it to <see cref="ScimAttributeMap{TEntity}.MapDocument"/>.</summary>
    public static IScimJsonAccess Access => EfJsonAccess.Instance;

    /// <summary>
    /// Registers the SCIM JSON functions (SQLite <c>json_extract</c>/<c>json_each</c>, PostgreSQL <c>jsonb</c>) with the
    /// model, for the context's provider. Call it in <c>OnModelCreating</c>.
    /// </summary>
    /// <param name="modelBuilder">The model builder.</param>
    /// <param name="database">The context's <see cref="DbContext.Database"/>, which tells the provider.</param>
    /// <returns>The model builder.</returns>
    /// <exception cref="NotSupportedException">The provider is neither SQLite nor PostgreSQL.</exception>
    public static ModelBuilder HasScimJsonFunctions(this ModelBuilder modelBuilder, DatabaseFacade database)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(database);
        var postgres = database.IsNpgsql();
        if (!postgres && !database.IsSqlite())
        {
            throw new NotSupportedException($"The SCIM JSON functions exist for SQLite and PostgreSQL, not for {database.ProviderName}.");
        }

        ScimJsonFunctions.Register(modelBuilder, postgres);
        return modelBuilder;
    }

    /// <summary>Whether a model has the functions of <see cref="HasScimJsonFunctions"/>.</summary>
    internal static bool IsRegistered(Microsoft.EntityFrameworkCore.Metadata.IModel model) =>
        model.FindEntityType(typeof(ScimJsonElement)) is not null;
}
