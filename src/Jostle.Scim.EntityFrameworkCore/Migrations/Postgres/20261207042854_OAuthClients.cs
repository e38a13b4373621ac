using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class OAuthClients : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scim_oauth_client_secrets",
                columns: table => new
                {
                    secret_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    client_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    description = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    secret_hash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_oauth_client_secrets", x => x.secret_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_oauth_clients",
                columns: table => new
                {
                    client_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    actor = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    description = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_oauth_clients", x => x.client_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_oauth_federated_credentials",
                columns: table => new
                {
                    credential_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    client_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    issuer = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    subject = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    audience = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    key_source = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_oauth_federated_credentials", x => x.credential_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_oauth_signing_keys",
                columns: table => new
                {
                    key_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    algorithm = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    private_key = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_oauth_signing_keys", x => x.key_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_oauth_used_assertions",
                columns: table => new
                {
                    issuer = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    token_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_oauth_used_assertions", x => new { x.issuer, x.token_id });
                });

            migrationBuilder.CreateIndex(
                name: "IX_scim_oauth_client_secrets_client_id",
                table: "scim_oauth_client_secrets",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "IX_scim_oauth_clients_tenant_id",
                table: "scim_oauth_clients",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_scim_oauth_federated_credentials_client_id",
                table: "scim_oauth_federated_credentials",
                column: "client_id");

            migrationBuilder.CreateIndex(
                name: "IX_scim_oauth_federated_credentials_issuer_subject",
                table: "scim_oauth_federated_credentials",
                columns: new[] { "issuer", "subject" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_oauth_used_assertions_expires_at",
                table: "scim_oauth_used_assertions",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scim_oauth_client_secrets");

            migrationBuilder.DropTable(
                name: "scim_oauth_clients");

            migrationBuilder.DropTable(
                name: "scim_oauth_federated_credentials");

            migrationBuilder.DropTable(
                name: "scim_oauth_signing_keys");

            migrationBuilder.DropTable(
                name: "scim_oauth_used_assertions");
        }
    }
}
