namespace Jostle.Scim.LoadHost;

/// <summary>Where the load host plugs in the SCIM endpoints.</summary>
internal static class ScimSetup
{
    public static void AddServices(IServiceCollection services)
    {
        // Replaced by AddJostleScim(...).AddInMemoryStores() once the endpoints land.
    }

    public static void Map(WebApplication app, string basePath)
    {
        app.MapGet(basePath + "/Users", () => Results.StatusCode(501)).RequireAuthorization();
    }
}
