using System.Net;
using System.Text.Json;

namespace Jostle.Scim.Host.Tests;

/// <summary>What the real host writes to its console (JSON lines when redirected) while it serves the requests Entra ID sends.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class LoggingProcessTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TestConnectionLogsNoEntityFrameworkCoreWarning(string database)
    {
        var postgres = database == "postgres" ? await PostgresServer.GetAsync() : null;
        var name = PostgresServer.NewDatabaseName("logging");
        string[] options = postgres is null ? ["--data", _folder.Data] : ["--postgres", await postgres.CreateDatabaseAsync(name)];
        try
        {
            var created = await HostProcess.RunAsync(_folder.Path, ["keys", "create", "--tenant", "acme", "--description", "Entra ID", "--json", .. options], null);
            Assert.True(created.ExitCode == 0, created.ToString());
            var key = JsonDocument.Parse(created.StandardOutput).RootElement.GetProperty("key").GetString()!;
            await using var host = await HostProcess.StartServerAsync(_folder.Path, options);
            using var http = ServerProcessTests.Client(host, key);

            // Entra ID's Test Connection: a userName no one has.
            using (var test = await http.GetAsync($"Users?filter=userName%20eq%20%22{Guid.NewGuid()}%22"))
            {
                Assert.Equal(HttpStatusCode.OK, test.StatusCode);
            }

            // A failed request is logged with its correlation id; once that line is out, every earlier one is too.
            using (var marker = await http.GetAsync("Users/marker"))
            {
                Assert.Equal(HttpStatusCode.NotFound, marker.StatusCode);
                await host.WaitForOutputAsync(marker.Headers.GetValues("X-Correlation-Id").Single());
            }

            var records = host.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Contains(records, r => r.GetProperty("Category").GetString() == "Jostle.Scim.AspNetCore.ScimProvisioningRecorder");
            var efProblems = records.Where(r => r.GetProperty("Category").GetString()!.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
                && r.GetProperty("LogLevel").GetString() is "Warning" or "Error" or "Critical");
            Assert.Empty(efProblems.Select(r => $"{r.GetProperty("EventId")}: {r.GetProperty("Message").GetString()}"));
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DropDatabaseAsync(name);
            }
        }
    }
}
