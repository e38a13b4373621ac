using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Postgres
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
                    key_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    actor = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    description = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    secret_hash = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_used_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_api_keys", x => x.key_id);
                });

            migrationBuilder.CreateTable(
                name: "scim_groups",
                columns: table => new
                {
                    key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    display_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_display_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    external_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    document = table.Column<string>(type: "text", nullable: false, collation: "C")
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    timestamp = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    actor = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    key_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    operation = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    resource_type = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    resource_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    user_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    external_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    display_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<int>(type: "integer", nullable: false),
                    scim_type = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    detail = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    duration_ms = table.Column<double>(type: "double precision", nullable: false),
                    compatibility_rules = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    filter_rules = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    correlation_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    bulk_id = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scim_provisioning_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scim_users",
                columns: table => new
                {
                    key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    user_name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    normalized_user_name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    external_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    display_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_display_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    active = table.Column<bool>(type: "boolean", nullable: true),
                    given_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_given_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    family_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_family_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    nick_name = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    title = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    user_type = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    employee_number = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    cost_center = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    organization = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    division = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    department = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    manager_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    alternate_email1_label = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    alternate_email2_label = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    version = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    document = table.Column<string>(type: "text", nullable: false, collation: "C")
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
                    key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    group_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    member_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    member_type = table.Column<string>(type: "text", nullable: true, collation: "C")
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
                    key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_key = table.Column<long>(type: "bigint", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    value = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_value = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    type = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    primary = table.Column<bool>(type: "boolean", nullable: true)
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
                    key = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_key = table.Column<long>(type: "bigint", nullable: false),
                    tenant_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    value = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    normalized_value = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    type = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    primary = table.Column<bool>(type: "boolean", nullable: true)
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
