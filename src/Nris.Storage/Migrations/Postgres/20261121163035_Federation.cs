using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Nris.Storage.Migrations.Postgres
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
                    instance_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    origin_sequence = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    origin_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    shared = table.Column<bool>(type: "boolean", nullable: false),
                    local_sequence = table.Column<long>(type: "bigint", nullable: true),
                    received_us = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_entries", x => new { x.instance_id, x.origin_sequence });
                });

            migrationBuilder.CreateTable(
                name: "federation_incidents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    instance_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    origin_sequence = table.Column<long>(type: "bigint", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    message_en = table.Column<string>(type: "text", nullable: false),
                    message_vi = table.Column<string>(type: "text", nullable: false),
                    time_us = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_incidents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "federation_instances",
                columns: table => new
                {
                    instance_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    organization_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    public_key_pem = table.Column<string>(type: "text", nullable: false),
                    registered_us = table.Column<long>(type: "bigint", nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false),
                    last_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    last_received_us = table.Column<long>(type: "bigint", nullable: true),
                    origin_head = table.Column<long>(type: "bigint", nullable: false),
                    last_checkpoint_sequence = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_error_us = table.Column<long>(type: "bigint", nullable: true),
                    error_count = table.Column<long>(type: "bigint", nullable: false),
                    applied_count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_federation_instances", x => x.instance_id);
                });

            migrationBuilder.CreateTable(
                name: "federation_outbox",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    acknowledged_sequence = table.Column<long>(type: "bigint", nullable: false),
                    updated_us = table.Column<long>(type: "bigint", nullable: false),
                    attempts = table.Column<long>(type: "bigint", nullable: false),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    last_error_us = table.Column<long>(type: "bigint", nullable: true),
                    last_success_us = table.Column<long>(type: "bigint", nullable: true)
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
