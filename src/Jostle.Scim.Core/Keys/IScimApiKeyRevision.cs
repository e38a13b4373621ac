namespace Jostle.Scim.Keys;

/// <summary>
/// Implemented by an <see cref="IScimApiKeyStore"/> that can tell, more cheaply than a lookup, whether any key record
/// changed. <see cref="ScimApiKeyManager"/> then keeps the records of keys it verified in memory and reads a record
/// from the store again only when the revision differs from the one read before the record was loaded — so a key
/// revoked (or otherwise changed) by any process is refused on the next request, as without the cache.
/// </summary>
/// <remarks>
/// The contract: once a change to a key record (revocation, deletion, any update) has been committed, every later call
/// returns a value different from every value returned before that commit. A counter bumped in the same transaction as
/// the change satisfies it; so does a store that is only ever changed in one process by an in-memory counter.
/// </remarks>
public interface IScimApiKeyRevision
{
    /// <summary>Reads the current revision of the key records.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The revision, or <see langword="null"/> when the store cannot tell now (nothing cached is used then).</returns>
    ValueTask<long?> GetRevisionAsync(CancellationToken cancellationToken = default);
}
