using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Sqlite
{
    /// <inheritdoc />
    internal partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "scim_api_keys",
                columns: table => new
                {
                    key_id = table.Column<string>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    description = table.Column<string>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    last_used_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_api_keys", x => x.key_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_groups",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_display_name = table.Column<string>(type: "TEXT", nullable: true),
                    external_id = table.Column<string>(type: "TEXT", nullable: true),
                    created = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_modified = table.Column<DateTime>(type: "TEXT", nullable: true),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    document = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_groups", x => x.key);
                    table.UniqueConstraint("AK_scim_groups_tenant_id_id", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "scim_provisioning_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: true),
                    key_id = table.Column<string>(type: "TEXT", nullable: true),
                    operation = table.Column<string>(type: "TEXT", nullable: false),
                    resource_type = table.Column<string>(type: "TEXT", nullable: true),
                    resource_id = table.Column<string>(type: "TEXT", nullable: true),
                    user_name = table.Column<string>(type: "TEXT", nullable: true),
                    external_id = table.Column<string>(type: "TEXT", nullable: true),
                    display_name = table.Column<string>(type: "TEXT", nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    scim_type = table.Column<string>(type: "TEXT", nullable: true),
                    detail = table.Column<string>(type: "TEXT", nullable: true),
                    duration_ms = table.Column<double>(type: "REAL", nullable: false),
                    compatibility_rules = table.Column<string>(type: "TEXT", nullable: true),
                    filter_rules = table.Column<string>(type: "TEXT", nullable: true),
                    correlation_id = table.Column<string>(type: "TEXT", nullable: false),
                    bulk_id = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_provisioning_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scim_users",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    user_name = table.Column<string>(type: "TEXT", nullable: false),
                    normalized_user_name = table.Column<string>(type: "TEXT", nullable: false),
                    external_id = table.Column<string>(type: "TEXT", nullable: true),
                    display_name = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_display_name = table.Column<string>(type: "TEXT", nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: true),
                    given_name = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_given_name = table.Column<string>(type: "TEXT", nullable: true),
                    family_name = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_family_name = table.Column<string>(type: "TEXT", nullable: true),
                    nick_name = table.Column<string>(type: "TEXT", nullable: true),
                    title = table.Column<string>(type: "TEXT", nullable: true),
                    user_type = table.Column<string>(type: "TEXT", nullable: true),
                    employee_number = table.Column<string>(type: "TEXT", nullable: true),
                    cost_center = table.Column<string>(type: "TEXT", nullable: true),
                    organization = table.Column<string>(type: "TEXT", nullable: true),
                    division = table.Column<string>(type: "TEXT", nullable: true),
                    department = table.Column<string>(type: "TEXT", nullable: true),
                    manager_id = table.Column<string>(type: "TEXT", nullable: true),
                    alternate_email1_label = table.Column<string>(type: "TEXT", nullable: true),
                    alternate_email2_label = table.Column<string>(type: "TEXT", nullable: true),
                    created = table.Column<DateTime>(type: "TEXT", nullable: true),
                    last_modified = table.Column<DateTime>(type: "TEXT", nullable: true),
                    version = table.Column<string>(type: "TEXT", nullable: false),
                    document = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_users", x => x.key);
                    table.UniqueConstraint("AK_scim_users_tenant_id_id", x => new { x.tenant_id, x.id });
                });

            migrationBuilder.CreateTable(
                name: "scim_group_members",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    group_id = table.Column<string>(type: "TEXT", nullable: false),
                    member_id = table.Column<string>(type: "TEXT", nullable: false),
                    member_type = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_group_members", x => x.key);
                    table.ForeignKey(
                        name: "FK_scim_group_members_scim_groups_tenant_id_group_id",
                        columns: x => new { x.tenant_id, x.group_id },
                        principalTable: "scim_groups",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_user_emails",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_key = table.Column<long>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_value = table.Column<string>(type: "TEXT", nullable: true),
                    type = table.Column<string>(type: "TEXT", nullable: true),
                    primary = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_user_emails", x => x.key);
                    table.ForeignKey(
                        name: "FK_scim_user_emails_scim_users_user_key",
                        column: x => x.user_key,
                        principalTable: "scim_users",
                        principalColumn: "key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "scim_user_phone_numbers",
                columns: table => new
                {
                    key = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_key = table.Column<long>(type: "INTEGER", nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: true),
                    normalized_value = table.Column<string>(type: "TEXT", nullable: true),
                    type = table.Column<string>(type: "TEXT", nullable: true),
                    primary = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_user_phone_numbers", x => x.key);
                    table.ForeignKey(
                        name: "FK_scim_user_phone_numbers_scim_users_user_key",
                        column: x => x.user_key,
                        principalTable: "scim_users",
                        principalColumn: "key",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_scim_api_keys_tenant_id",
                table: "scim_api_keys",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_scim_group_members_tenant_id_group_id_member_id",
                table: "scim_group_members",
                columns: new[] { "tenant_id", "group_id", "member_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_scim_group_members_tenant_id_member_id",
                table: "scim_group_members",
                columns: new[] { "tenant_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_groups_tenant_id_external_id",
                table: "scim_groups",
                columns: new[] { "tenant_id", "external_id" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_groups_tenant_id_normalized_display_name",
                table: "scim_groups",
                columns: new[] { "tenant_id", "normalized_display_name" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_provisioning_log_tenant_id_timestamp",
                table: "scim_provisioning_log",
                columns: new[] { "tenant_id", "timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_provisioning_log_timestamp",
                table: "scim_provisioning_log",
                column: "timestamp");

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_emails_tenant_id_normalized_value",
                table: "scim_user_emails",
                columns: new[] { "tenant_id", "normalized_value" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_emails_user_key",
                table: "scim_user_emails",
                column: "user_key");

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_phone_numbers_tenant_id_normalized_value",
                table: "scim_user_phone_numbers",
                columns: new[] { "tenant_id", "normalized_value" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_user_phone_numbers_user_key",
                table: "scim_user_phone_numbers",
                column: "user_key");

            migrationBuilder.CreateIndex(
                name: "IX_scim_users_tenant_id_external_id",
                table: "scim_users",
                columns: new[] { "tenant_id", "external_id" });

            migrationBuilder.CreateIndex(
                name: "IX_scim_users_tenant_id_normalized_display_name",
                table: "scim_users",
                columns: new[] { "tenant_id", "normalized_display_name" });

            migrationBuilder.CreateIndex(
                name: "ux_scim_users_tenant_normalized_user_name",
                table: "scim_users",
                columns: new[] { "tenant_id", "normalized_user_name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "scim_api_keys");

            migrationBuilder.DropTable(
                name: "scim_group_members");

            migrationBuilder.DropTable(
                name: "scim_provisioning_log");

            migrationBuilder.DropTable(
                name: "scim_user_emails");

            migrationBuilder.DropTable(
                name: "scim_user_phone_numbers");

            migrationBuilder.DropTable(
                name: "scim_groups");

            migrationBuilder.DropTable(
                name: "scim_users");
        }
    }
}
