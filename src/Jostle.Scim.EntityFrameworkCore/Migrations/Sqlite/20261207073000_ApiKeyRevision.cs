using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Sqlite
{
    /// <summary>
    /// The API key revision (SQLite only; no change to the model): a one-row counter that triggers on
    /// <c>scim_api_keys</c> bump in the same transaction as every UPDATE or DELETE of a key, so that a process can keep
    /// verified keys in memory and see on its next request that any process revoked or changed one
    /// (<see cref="SqliteKeyRevision"/>). Written by hand: it has no model of its own to snapshot.
    /// </summary>
    [DbContext(typeof(SqliteScimDbContext))]
    [Migration("20261207073000_ApiKeyRevision")]
    internal sealed class ApiKeyRevision : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in SqliteKeyRevision.CreateStatements)
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var statement in SqliteKeyRevision.DropStatements)
            {
                migrationBuilder.Sql(statement);
            }
        }
    }
}
