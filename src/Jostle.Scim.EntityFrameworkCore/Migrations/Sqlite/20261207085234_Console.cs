using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "path",
                table: "scim_provisioning_log",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "protected_request_summary",
                table: "scim_provisioning_log",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_summary",
                table: "scim_provisioning_log",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "first_used_at",
                table: "scim_oauth_client_secrets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "last_used_at",
                table: "scim_oauth_client_secrets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "expires_at",
                table: "scim_api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "first_used_at",
                table: "scim_api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "hint",
                table: "scim_api_keys",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "scim_console_links",
                columns: table => new
                {
                    link_id = table.Column<string>(type: "TEXT", nullable: false),
                    token_hash = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<int>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: true),
                    label = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    expires_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_console_links", x => x.link_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_credential_rotations",
                columns: table => new
                {
                    rotation_id = table.Column<string>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", nullable: false),
                    client_id = table.Column<string>(type: "TEXT", nullable: true),
                    old_credential_id = table.Column<string>(type: "TEXT", nullable: false),
                    new_credential_id = table.Column<string>(type: "TEXT", nullable: false),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    started_by = table.Column<string>(type: "TEXT", nullable: false),
                    grace_period_ticks = table.Column<long>(type: "INTEGER", nullable: true),
                    new_credential_first_used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    completed_by = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_credential_rotations", x => x.rotation_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_notification_settings",
                columns: table => new
                {
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    email_addresses = table.Column<string>(type: "TEXT", nullable: false),
                    webhook_url = table.Column<string>(type: "TEXT", nullable: true),
                    digest_interval_ticks = table.Column<long>(type: "INTEGER", nullable: true),
                    key_expiry_warning_days = table.Column<int>(type: "INTEGER", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", nullable: true)
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
