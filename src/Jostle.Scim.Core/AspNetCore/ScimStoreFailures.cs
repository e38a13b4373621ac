using System.Globalization;
using Jostle.Scim.Stores;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Jostle.Scim.AspNetCore;

/// <summary>Asks the registered <see cref="IScimStoreFailureClassifier"/>s about a failure, and writes <c>Retry-After</c>.</summary>
internal static class ScimStoreFailures
{
    public static ScimStoreFailure? Classify(HttpContext http, Exception exception)
    {
        foreach (var classifier in http.RequestServices.GetServices<IScimStoreFailureClassifier>())
        {
            if (classifier.Classify(exception) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    /// <summary>The <c>Retry-After</c> value: whole seconds, rounded up, at least 1.</summary>
    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
