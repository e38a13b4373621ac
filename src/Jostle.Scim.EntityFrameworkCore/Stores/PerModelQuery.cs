using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>
/// A precompiled EF Core query per model. A compiled query may only run against the model it was first run with, and
/// one process can hold several (SQLite and PostgreSQL, or a host's own context beside ours), so each model gets its own.
/// </summary>
/// <typeparam name="TQuery">The delegate <c>EF.CompileAsyncQuery</c> returns.</typeparam>
/// <param name="compile">Compiles the query (called once per model).</param>
internal sealed class PerModelQuery<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    /// <summary>The query compiled for <paramref name="context"/>'s model.</summary>
    public TQuery For(DbContext context) => _byModel.GetValue(context.Model, _ => compile());
}
