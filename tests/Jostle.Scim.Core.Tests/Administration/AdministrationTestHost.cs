using Jostle.Scim.Administration;
using Jostle.Scim.AspNetCore;
using Jostle.Scim.Keys;
using Jostle.Scim.Provisioning;
using Jostle.Scim.Tests.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Jostle.Scim.Tests.Administration;

/// <summary>A <see cref="ScimTestHost"/> with API keys, the provisioning log and <c>AddAdministration</c>, on a <see cref="FakeTimeProvider"/>.</summary>
internal static class AdministrationTestHost
{
    public const string UserSchema = "urn:ietf:params:scim:schemas:core:2.0:User";

    public static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    public static Task<ScimTestHost> StartAsync(FakeTimeProvider time, Action<IJostleScimBuilder>? scim = null, Action<ScimAdministrationOptions>? options = null, Action<IServiceCollection>? services = null) =>
        ApiKeyTestHost.StartAsync(
            scim: b =>
            {
                scim?.Invoke(b);
                // The rotation service ticks on the fake clock; tests that call RunDueRotationsAsync themselves keep it out of the way.
                b.AddProvisioningLog().AddAdministration(options ?? (o => o.RotationCheckInterval = TimeSpan.FromDays(1000)));
            },
            services: s =>
            {
                s.AddSingleton<TimeProvider>(time);
                s.Configure<ScimApiKeyOptions>(o => o.LastUsedUpdateInterval = TimeSpan.Zero);
                services?.Invoke(s);
            });

    public static FakeTimeProvider Clock() => new(Start);

    public static T Get<T>(this ScimTestHost host)
        where T : notnull => host.Services.GetRequiredService<T>();

    public static async Task<IReadOnlyList<ProvisioningLogEntry>> LogAsync(this ScimTestHost host, string tenant, ProvisioningOperation? operation = null) =>
        (await host.Get<IProvisioningLogReader>().QueryAsync(new ProvisioningLogQuery { Tenant = tenant, Operation = operation })).Entries;

    public static async Task<HttpResponseMessage> CreateUserAsync(this HttpClient client, string userName, string? email = null, string? extra = null)
    {
        var emails = email is null ? "" : $$""","emails":[{"value":"{{email}}","type":"work","primary":true}]""";
        return await client.PostAsync("Users", ScimTestHost.Body($$"""{"schemas":["{{UserSchema}}"],"userName":"{{userName}}"{{emails}}{{extra ?? ""}}}"""));
    }
}
