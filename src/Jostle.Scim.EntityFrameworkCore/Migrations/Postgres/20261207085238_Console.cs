using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class Console : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "method",
                table: "scim_provisioning_log",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "path",
                table: "scim_provisioning_log",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "protected_request_summary",
                table: "scim_provisioning_log",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "request_summary",
                table: "scim_provisioning_log",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<DateTime>(
                name: "first_used_at",
                table: "scim_oauth_client_secrets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_used_at",
                table: "scim_oauth_client_secrets",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "expires_at",
                table: "scim_api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "first_used_at",
                table: "scim_api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "hint",
                table: "scim_api_keys",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.CreateTable(
                name: "scim_console_links",
                columns: table => new
                {
                    link_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    token_hash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    role = table.Column<int>(type: "integer", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    label = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_by = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_console_links", x => x.link_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_credential_rotations",
                columns: table => new
                {
                    rotation_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    client_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    old_credential_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    new_credential_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_by = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    grace_period_ticks = table.Column<long>(type: "bigint", nullable: true),
                    new_credential_first_used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    completed_by = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_credential_rotations", x => x.rotation_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_notification_settings",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    email_addresses = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    webhook_url = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    digest_interval_ticks = table.Column<long>(type: "bigint", nullable: true),
                    key_expiry_warning_days = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_notification_settings", x => x.tenant_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_scim_console_links_tenant_id",
                table: "scim_console_links",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_scim_credential_rotations_tenant_id_completed_at",
                table: "scim_credential_rotations",
                columns: new[] { "tenant_id", "completed_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scim_console_links");

            migrationBuilder.DropTable(
                name: "scim_credential_rotations");

            migrationBuilder.DropTable(
                name: "scim_notification_settings");

            migrationBuilder.DropColumn(
                name: "method",
                table: "scim_provisioning_log");

            migrationBuilder.DropColumn(
                name: "path",
                table: "scim_provisioning_log");

            migrationBuilder.DropColumn(
                name: "protected_request_summary",
                table: "scim_provisioning_log");

            migrationBuilder.DropColumn(
                name: "request_summary",
                table: "scim_provisioning_log");

            migrationBuilder.DropColumn(
                name: "first_used_at",
                table: "scim_oauth_client_secrets");

            migrationBuilder.DropColumn(
                name: "last_used_at",
                table: "scim_oauth_client_secrets");

            migrationBuilder.DropColumn(
                name: "expires_at",
                table: "scim_api_keys");

            migrationBuilder.DropColumn(
                name: "first_used_at",
                table: "scim_api_keys");

            migrationBuilder.DropColumn(
                name: "hint",
                table: "scim_api_keys");
        }
    }
}
