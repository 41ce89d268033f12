using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Federation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "federation_entries",
                columns: table => new
                {
                    instance_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    origin_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    origin_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    shared = table.Column<bool>(type: "INTEGER", nullable: false),
                    local_sequence = table.Column<long>(type: "INTEGER", nullable: true),
                    received_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_entries", x => new { x.instance_id, x.origin_sequence });
                });

            migrationBuilder.CreateTable(
                name: "federation_incidents",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    instance_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    origin_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    message_en = table.Column<string>(type: "TEXT", nullable: false),
                    message_vi = table.Column<string>(type: "TEXT", nullable: false),
                    time_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_incidents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "federation_instances",
                columns: table => new
                {
                    instance_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    organization_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    public_key_pem = table.Column<string>(type: "TEXT", nullable: false),
                    registered_us = table.Column<long>(type: "INTEGER", nullable: false),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    last_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    last_received_us = table.Column<long>(type: "INTEGER", nullable: true),
                    origin_head = table.Column<long>(type: "INTEGER", nullable: false),
                    last_checkpoint_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    last_error_us = table.Column<long>(type: "INTEGER", nullable: true),
                    error_count = table.Column<long>(type: "INTEGER", nullable: false),
                    applied_count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_instances", x => x.instance_id);
                });

            migrationBuilder.CreateTable(
                name: "federation_outbox",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    acknowledged_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_us = table.Column<long>(type: "INTEGER", nullable: false),
                    attempts = table.Column<long>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    last_error_us = table.Column<long>(type: "INTEGER", nullable: true),
                    last_success_us = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_outbox", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "ix_federation_entries_local_sequence",
                table: "federation_entries",
                column: "local_sequence");

            migrationBuilder.CreateIndex(
                name: "ix_federation_incidents_instance_id_id",
                table: "federation_incidents",
                columns: new[] { "instance_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "federation_entries");

            migrationBuilder.DropTable(
                name: "federation_incidents");

            migrationBuilder.DropTable(
                name: "federation_instances");

            migrationBuilder.DropTable(
                name: "federation_outbox");
        }
    }
}
