using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AggregationIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_report_versions_ledger_sequence",
                table: "report_versions",
                column: "ledger_sequence");

            migrationBuilder.CreateIndex(
                name: "ix_report_events_ledger_sequence",
                table: "report_events",
                column: "ledger_sequence");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_report_versions_ledger_sequence",
                table: "report_versions");

            migrationBuilder.DropIndex(
                name: "ix_report_events_ledger_sequence",
                table: "report_events");
        }
    }
}
