using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Jostle.Scim.Host;

/// <summary>
/// Turns a failure into one line for people: every distinct message down the exception chain (the outer one says what
/// was being done — "Failed to connect to 10.0.0.5:5432" — the inner one why — "Connection refused"), plus a hint where
/// one helps. Never a stack trace; never a connection string.
/// </summary>
internal static class HostErrors
{
    /// <summary>The message.</summary>
    public static string Describe(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate)
            {
                e = aggregate.InnerExceptions[0];
            }

            var message = e.Message.Trim().TrimEnd('.');
            if (message.StartsWith("An exception has been raised that is likely due to a transient failure", StringComparison.Ordinal))
            {
                continue; // EF Core's retry wrapper says nothing the inner exception does not
            }

            if (message.Length > 0 && !messages.Any(m => m.Contains(message, StringComparison.OrdinalIgnoreCase)))
            {
                messages.Add(message);
            }
        }

        var text = string.Join(": ", messages) + ".";
        if (Find<SocketException>(exception) is { SocketErrorCode: SocketError.AddressAlreadyInUse } || Find<IOException>(exception)?.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) == true)
        {
            text += " Another process is listening there; choose another address or port with --urls (e.g. --urls http://127.0.0.1:5080).";
        }
        else if (Find<SocketException>(exception) is { SocketErrorCode: SocketError.AccessDenied })
        {
            text += " Ports below 1024 need privileges; choose a port above 1024 with --urls.";
        }

        return text;
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
