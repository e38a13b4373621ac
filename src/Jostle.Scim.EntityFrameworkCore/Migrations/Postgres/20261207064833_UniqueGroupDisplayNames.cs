using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Jostle.Scim.EntityFrameworkCore.Migrations.Postgres
{
    /// <inheritdoc />
    internal partial class UniqueGroupDisplayNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "unique_display_name",
                table: "scim_groups",
                type: "text",
                nullable: true,
                collation: "C");

            // Existing databases may hold groups that share a display name (the service's check could lose a race, and
            // UniqueGroupDisplayNames may have been off). Nothing is renamed or deleted: the oldest group of each name
            // (lowest key) takes the name's slot in the unique index; the others keep theirs without a slot (NULL) and
            // get one when renamed. New groups and renames can no longer take any name already held.
            migrationBuilder.Sql(ScimMigrations.BackfillUniqueDisplayNames);

            migrationBuilder.CreateIndex(
                name: "ux_scim_groups_tenant_unique_display_name",
                table: "scim_groups",
                columns: new[] { "tenant_id", "unique_display_name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_scim_groups_tenant_unique_display_name",
                table: "scim_groups");

            migrationBuilder.DropColumn(
                name: "unique_display_name",
                table: "scim_groups");
        }
    }
}
