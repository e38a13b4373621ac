using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Jostle.Scim.Host.Tests;

/// <summary>The host serving HTTPS itself with <c>--https-cert</c>: a self-signed certificate the test makes, in a temporary .pfx file.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HttpsProcessTests : IDisposable
{
    private const string PasswordVariable = "JOSTLE_SCIM_HTTPS_CERT_PASSWORD";
    private readonly TempFolder _folder = new();
    private readonly string _password = "pfx-" + Guid.NewGuid().ToString("N");
    private readonly X509Certificate2 _certificate;
    private readonly string _pfx;

    public HttpsProcessTests()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        _pfx = Path.Combine(_folder.Path, "scim.pfx");
        File.WriteAllBytes(_pfx, _certificate.Export(X509ContentType.Pfx, _password));
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task WithHttpsCertAndThePasswordInTheEnvironmentHealthAnswersOverHttpsWithThatCertificate()
    {
        await using var host = await HostProcess.StartServerAsync(
            _folder.Path, ["--data", _folder.Data, "--https-cert", _pfx], "https", Trusting, new Dictionary<string, string> { [PasswordVariable] = _password });

        string? presented = null;
        using var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate?.Thumbprint;
                return certificate?.Thumbprint == _certificate.Thumbprint;
            },
        });
        using var health = await http.GetAsync(new Uri(host.Address, "health"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(Uri.UriSchemeHttps, host.Address.Scheme);
        Assert.Equal(_certificate.Thumbprint, presented);
        Assert.Contains($"SCIM server listening at {host.Address}scim/v2", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithThePasswordOnTheCommandLineHealthAnswersOverHttps()
    {
        await using var host = await HostProcess.StartServerAsync(
            _folder.Path, ["--data", _folder.Data, "--https-cert", _pfx, "--https-cert-password", _password], "https", Trusting);
        using var http = new HttpClient(Trusting());
        using var health = await http.GetAsync(new Uri(host.Address, "health"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AWrongPasswordExitsWithOneAndNamesTheCertificateFileButNeverThePassword()
    {
        const string wrong = "not-the-pfx-password";
        var result = await HostProcess.RunAsync(
            _folder.Path,
            ["--data", _folder.Data, "--urls", $"https://127.0.0.1:{FreePort()}", "--https-cert", _pfx],
            new Dictionary<string, string> { [PasswordVariable] = wrong });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Cannot load the certificate {_pfx}", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>A handler that accepts the test's certificate, by thumbprint, and nothing else.</summary>
    private HttpClientHandler Trusting() => new()
    {
        ServerCertificateCustomValidationCallback = (_, certificate, _, _) => certificate?.Thumbprint == _certificate.Thumbprint,
    };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
