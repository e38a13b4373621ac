using System.Text.Json;
using Jostle.Scim.Protocol;
using Microsoft.AspNetCore.Http;

namespace Jostle.Scim.AspNetCore;

/// <summary>A response written as <c>application/scim+json; charset=utf-8</c> straight to the body through a <see cref="Utf8JsonWriter"/>.</summary>
internal sealed class ScimJsonResult(int status, Action<Utf8JsonWriter>? write, string? etag = null, string? location = null) : IResult
{
    public int Status => status;

    /// <summary>The <c>scimType</c> of an error response (for the provisioning log).</summary>
    public ScimErrorType? ErrorType { get; private init; }

    /// <summary>The <c>detail</c> of an error response (for the provisioning log).</summary>
    public string? ErrorDetail { get; private init; }

    public static ScimJsonResult Error(int status, ScimErrorType? scimType, string detail) =>
        new(status, writer => ScimProtocol.WriteError(writer, status, scimType, detail)) { ErrorType = scimType, ErrorDetail = detail };

    public static ScimJsonResult Error(ScimException exception) => Error(exception.Status, exception.ScimType, exception.Detail);

    /// <summary>A storage condition (<see cref="Jostle.Scim.Stores.ScimStoreFailure"/>): its status and detail, with <c>Retry-After</c>.</summary>
    public static ScimJsonResult Error(Jostle.Scim.Stores.ScimStoreFailure failure) =>
        new(failure.Status, writer => ScimProtocol.WriteError(writer, failure.Status, null, failure.Detail))
        {
            ErrorDetail = failure.Detail,
            RetryAfter = ScimStoreFailures.RetryAfterSeconds(failure.RetryAfter),
        };

    /// <summary>The <c>Retry-After</c> header's value, if any.</summary>
    public string? RetryAfter { get; private init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }

        if (location is not null)
        {
            response.Headers.Location = location;
        }

        if (RetryAfter is not null)
        {
            response.Headers.RetryAfter = RetryAfter;
        }

        if (write is null)
        {
            return;
        }

        response.ContentType = ScimProtocol.ContentType;
        using (var writer = new Utf8JsonWriter(response.BodyWriter, ScimProtocol.WriterOptions))
        {
            write(writer);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
