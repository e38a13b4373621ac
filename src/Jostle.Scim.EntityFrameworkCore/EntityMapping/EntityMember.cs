using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace Jostle.Scim.EntityFrameworkCore;

/// <summary>A member of a host entity named by a lambda (<c>p =&gt; p.FirstName</c>): its name, type, and compiled getter and setter.</summary>
internal sealed class EntityMember
{
    private EntityMember(LambdaExpression lambda, MemberInfo member, Type type, string usage)
    {
        Lambda = lambda;
        Member = member;
        Type = type;
        Usage = usage;
        var instance = Expression.Parameter(typeof(object), "e");
        var typed = Expression.Convert(instance, lambda.Parameters[0].Type);
        var access = Expression.MakeMemberAccess(typed, member);
        Get = Expression.Lambda<Func<object, object?>>(Expression.Convert(access, typeof(object)), instance).Compile();
        var value = Expression.Parameter(typeof(object), "v");
        var writable = member is PropertyInfo { CanWrite: true } or FieldInfo { IsInitOnly: false };
        Set = writable
            ? Expression.Lambda<Action<object, object?>>(Expression.Assign(access, Expression.Convert(value, type)), instance, value).Compile()
            : (_, _) => throw new InvalidOperationException($"{Describe()} has no setter.");
    }

    /// <summary>The lambda as the host wrote it.</summary>
    public LambdaExpression Lambda { get; }

    /// <summary>The property or field.</summary>
    public MemberInfo Member { get; }

    /// <summary>The member's name (the EF property name).</summary>
    public string Name => Member.Name;

    /// <summary>The member's type.</summary>
    public Type Type { get; }

    /// <summary>The type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Type) ?? Type;

    /// <summary>What the member is mapped as, for messages (a SCIM path, or <c>tenant</c>, <c>meta.version</c>).</summary>
    public string Usage { get; }

    public Func<object, object?> Get { get; }

    public Action<object, object?> Set { get; }

    public string Describe() => $"{Member.DeclaringType?.Name}.{Member.Name}";

    /// <summary>The member a lambda names; it must be a property or field of the lambda's parameter itself.</summary>
    public static EntityMember Of(LambdaExpression lambda, string usage)
    {
        var body = lambda.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : lambda.Body;
        if (body is not MemberExpression { Expression: ParameterExpression } access)
        {
            throw new ArgumentException($"The mapping of '{usage}' must name a property of the entity, like p => p.Name; '{lambda}' does not.", nameof(lambda));
        }

        var type = access.Member is PropertyInfo property ? property.PropertyType : ((FieldInfo)access.Member).FieldType;
        var typedLambda = body == lambda.Body ? lambda : Expression.Lambda(body, lambda.Parameters);
        return new EntityMember(typedLambda, access.Member, type, usage);
    }

    /// <summary>The navigation a lambda names (<c>t =&gt; t.Members</c>).</summary>
    public static string NavigationName(LambdaExpression lambda) =>
        (lambda.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : lambda.Body) is MemberExpression { Expression: ParameterExpression } access
            ? access.Member.Name
            : throw new ArgumentException($"The members mapping must name a collection navigation of the group, like t => t.Members; '{lambda}' does not.", nameof(lambda));

    /// <summary>The key as the SCIM id: invariant text (a <see cref="Guid"/> in its lower-case "D" form).</summary>
    public static string? KeyToString(object? key) => key switch
    {
        null => null,
        string s => s,
        Guid g => g.ToString("D"),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => key.ToString(),
    };

    /// <summary>A SCIM id as a key of <paramref name="type"/>, or <see langword="null"/> when it cannot be one (so no row has it).</summary>
    public static object? ParseKey(string id, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return id;
        }

        if (type == typeof(int))
        {
            return int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        }

        if (type == typeof(long))
        {
            return long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
        }

        if (type == typeof(Guid))
        {
            return Guid.TryParse(id, out var g) ? g : null;
        }

        throw new NotSupportedException($"A SCIM id cannot be held in a {type.Name} member; use int, long, Guid or string.");
    }
}
