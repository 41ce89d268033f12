using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Nris.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CatalogueFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "catalogue_read_us",
                table: "federation_instances",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "catalogue_sequence",
                table: "federation_instances",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "federation_catalogue_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    parent_sequence = table.Column<long>(type: "bigint", nullable: false),
                    change = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    code = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    refusal_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    local_sequence = table.Column<long>(type: "bigint", nullable: true),
                    message_en = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    message_vi = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    time_us = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_catalogue_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "federation_catalogue_feed",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    applied_sequence = table.Column<long>(type: "bigint", nullable: false),
                    parent_head = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<long>(type: "bigint", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_error_us = table.Column<long>(type: "bigint", nullable: true),
                    last_success_us = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_catalogue_feed", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_report_events_actor",
                table: "report_events",
                column: "actor");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_kind_sequence",
                table: "ledger_entries",
                columns: new[] { "kind", "sequence" });

            migrationBuilder.CreateIndex(
                name: "ix_federation_catalogue_changes_parent_sequence",
                table: "federation_catalogue_changes",
                column: "parent_sequence");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "federation_catalogue_changes");

            migrationBuilder.DropTable(
                name: "federation_catalogue_feed");

            migrationBuilder.DropIndex(
                name: "ix_report_events_actor",
                table: "report_events");

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_kind_sequence",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "catalogue_read_us",
                table: "federation_instances");

            migrationBuilder.DropColumn(
                name: "catalogue_sequence",
                table: "federation_instances");
        }
    }
}
