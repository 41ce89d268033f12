using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Connectors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "connector_batches",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    connector_id = table.Column<long>(type: "INTEGER", nullable: false),
                    batch_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    body_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    records = table.Column<int>(type: "INTEGER", nullable: false),
                    result_json = table.Column<string>(type: "TEXT", nullable: false),
                    received_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_batches", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "connector_errors",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    connector_id = table.Column<long>(type: "INTEGER", nullable: false),
                    time_us = table.Column<long>(type: "INTEGER", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    message_en = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    message_vi = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connector_errors", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "connectors",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    regime_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    organization_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    definition_json = table.Column<string>(type: "TEXT", nullable: false),
                    key_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    key_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    created_us = table.Column<long>(type: "INTEGER", nullable: false),
                    cursor = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    e_tag = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    next_pull_us = table.Column<long>(type: "INTEGER", nullable: false),
                    consecutive_failures = table.Column<int>(type: "INTEGER", nullable: false),
                    last_attempt_us = table.Column<long>(type: "INTEGER", nullable: true),
                    last_received_us = table.Column<long>(type: "INTEGER", nullable: true),
                    last_period = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    last_error_us = table.Column<long>(type: "INTEGER", nullable: true),
                    error_count = table.Column<long>(type: "INTEGER", nullable: false),
                    record_count = table.Column<long>(type: "INTEGER", nullable: false),
                    quiet_alerted_us = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_connectors", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_connector_batches_connector_id_batch_id",
                table: "connector_batches",
                columns: new[] { "connector_id", "batch_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_connector_batches_connector_id_received_us",
                table: "connector_batches",
                columns: new[] { "connector_id", "received_us" });

            migrationBuilder.CreateIndex(
                name: "ix_connector_errors_connector_id_id",
                table: "connector_errors",
                columns: new[] { "connector_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_connectors_key_id",
                table: "connectors",
                column: "key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_connectors_name",
                table: "connectors",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "connector_batches");

            migrationBuilder.DropTable(
                name: "connector_errors");

            migrationBuilder.DropTable(
                name: "connectors");
        }
    }
}
