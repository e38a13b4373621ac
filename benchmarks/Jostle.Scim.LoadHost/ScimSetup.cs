namespace Jostle.Scim.LoadHost;

/// <summary>
/// The SCIM endpoints as a host adds them: the in-memory stores, the tenant from the bearer scheme's claim. The
/// per-tenant rate limit is off unless <c>--rate-limit N</c>: a load run is one tenant asking as fast as it can, which the limit would answer with 429.
/// </summary>
internal static class ScimSetup
{
    public static void AddServices(IServiceCollection services, int rateLimit) =>
        services.AddJostleScim(options =>
        {
            options.TenantClaimType = LoadHostOptions.TenantClaimType;
            options.RateLimit.RequestsPerSecond = rateLimit;
        }).AddInMemoryStores();

    public static void Map(WebApplication app, string basePath) => app.MapJostleScim(basePath);
}
