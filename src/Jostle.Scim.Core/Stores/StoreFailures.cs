namespace Jostle.Scim.Stores;

/// <summary>
/// What a store failure means for the caller when it is a condition of the storage rather than a bug: the status to
/// answer (503 for an outage — the database restarting, unreachable, out of connections or busy; 507 when it is out of
/// space), how long a client should wait before it retries (<c>Retry-After</c>), and the SCIM error's <c>detail</c>.
/// The request was not completed (a write failing this way was not acknowledged), so it can be retried as it is.
/// </summary>
/// <param name="Status">503 (Service Unavailable) or 507 (Insufficient Storage).</param>
/// <param name="RetryAfter">Sent as <c>Retry-After</c>, in whole seconds (at least 1).</param>
/// <param name="Detail">The SCIM error's <c>detail</c>: what happened and what to do; never a connection string or internal message.</param>
public sealed record ScimStoreFailure(int Status, TimeSpan RetryAfter, string Detail);

/// <summary>
/// Recognises the exceptions of a store's storage that are temporary conditions (an outage, a full disk), so the SCIM
/// pipeline answers them with <see cref="ScimStoreFailure.Status"/>, <c>Retry-After</c> and a SCIM error instead of a
/// 500. Register implementations with <c>TryAddEnumerable</c>; the first that recognises an exception wins. The EF Core
/// stores register one for SQLite and PostgreSQL.
/// </summary>
public interface IScimStoreFailureClassifier
{
    /// <summary>Classifies a failure thrown by a store (or wrapping one, at any depth of inner exceptions).</summary>
    /// <param name="exception">The exception the request failed with.</param>
    /// <returns>The failure to answer, or <see langword="null"/> when this is not a condition this classifier knows (a 500).</returns>
    ScimStoreFailure? Classify(Exception exception);
}
