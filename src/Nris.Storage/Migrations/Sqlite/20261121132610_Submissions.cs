using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Submissions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "current_values",
                columns: table => new
                {
                    indicator_code = table.Column<string>(type: "TEXT", nullable: false),
                    disaggregation = table.Column<string>(type: "TEXT", nullable: false),
                    territory_code = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", nullable: false),
                    number = table.Column<decimal>(type: "TEXT", nullable: true),
                    text = table.Column<string>(type: "TEXT", nullable: true),
                    flag = table.Column<bool>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    note = table.Column<string>(type: "TEXT", nullable: true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: false),
                    report_version_id = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_current_values", x => new { x.indicator_code, x.disaggregation, x.territory_code, x.period, x.source });
                });

            migrationBuilder.CreateTable(
                name: "drafts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    regime_code = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    reporter_code = table.Column<string>(type: "TEXT", nullable: false),
                    content_json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", nullable: false),
                    updated_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drafts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    scope = table.Column<string>(type: "TEXT", nullable: false),
                    key = table.Column<string>(type: "TEXT", nullable: false),
                    request_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    result_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.scope, x.key });
                });

            migrationBuilder.CreateTable(
                name: "ledger_checkpoints",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    time_us = table.Column<long>(type: "INTEGER", nullable: false),
                    key_id = table.Column<string>(type: "TEXT", nullable: false),
                    signature = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_checkpoints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    payload = table.Column<byte[]>(type: "BLOB", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    time_us = table.Column<long>(type: "INTEGER", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_entries", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    regime_code = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", nullable: false),
                    reporter_code = table.Column<string>(type: "TEXT", nullable: false),
                    regime_version = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    current_version = table.Column<int>(type: "INTEGER", nullable: false),
                    recipient_code = table.Column<string>(type: "TEXT", nullable: false),
                    last_ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    created_us = table.Column<long>(type: "INTEGER", nullable: false),
                    updated_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    organization = table.Column<string>(type: "TEXT", nullable: false),
                    time_us = table.Column<long>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_events", x => x.id);
                    table.ForeignKey(
                        name: "FK_report_events_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "report_versions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    report_id = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    regime_version = table.Column<int>(type: "INTEGER", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: true),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    organization = table.Column<string>(type: "TEXT", nullable: false),
                    submitted_us = table.Column<long>(type: "INTEGER", nullable: false),
                    decided_by = table.Column<string>(type: "TEXT", nullable: true),
                    decided_us = table.Column<long>(type: "INTEGER", nullable: true),
                    decision_reason = table.Column<string>(type: "TEXT", nullable: true),
                    ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    payload_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", nullable: true),
                    signer = table.Column<string>(type: "TEXT", nullable: true),
                    value_count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_versions", x => x.id);
                    table.ForeignKey(
                        name: "FK_report_versions_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "report_values",
                columns: table => new
                {
                    version_id = table.Column<long>(type: "INTEGER", nullable: false),
                    indicator_code = table.Column<string>(type: "TEXT", nullable: false),
                    disaggregation = table.Column<string>(type: "TEXT", nullable: false),
                    territory_code = table.Column<string>(type: "TEXT", nullable: false),
                    number = table.Column<decimal>(type: "TEXT", nullable: true),
                    text = table.Column<string>(type: "TEXT", nullable: true),
                    flag = table.Column<bool>(type: "INTEGER", nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    note = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_values", x => new { x.version_id, x.indicator_code, x.disaggregation, x.territory_code });
                    table.ForeignKey(
                        name: "FK_report_values_report_versions_version_id",
                        column: x => x.version_id,
                        principalTable: "report_versions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_current_values_report_id",
                table: "current_values",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "ix_current_values_source_period",
                table: "current_values",
                columns: new[] { "source", "period" });

            migrationBuilder.CreateIndex(
                name: "ix_drafts_regime_code_period_reporter_code",
                table: "drafts",
                columns: new[] { "regime_code", "period", "reporter_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_checkpoints_sequence",
                table: "ledger_checkpoints",
                column: "sequence");

            migrationBuilder.CreateIndex(
                name: "ix_report_events_report_id_id",
                table: "report_events",
                columns: new[] { "report_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_report_versions_report_id_version",
                table: "report_versions",
                columns: new[] { "report_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reports_regime_code_period_reporter_code",
                table: "reports",
                columns: new[] { "regime_code", "period", "reporter_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reports_reporter_code_period",
                table: "reports",
                columns: new[] { "reporter_code", "period" });

            // Append-only in the database too (SQLite has no TRUNCATE; DELETE covers it).
            foreach (var table in new[] { "ledger_entries", "ledger_checkpoints" })
            {
                foreach (var operation in new[] { "UPDATE", "DELETE" })
                {
                    migrationBuilder.Sql(
                        $"CREATE TRIGGER {table}_no_{operation.ToLowerInvariant()} BEFORE {operation} ON {table} " +
                        $"BEGIN SELECT RAISE(ABORT, 'nris: {table} is append-only ({operation} refused)'); END;");
                }
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in new[] { "ledger_entries", "ledger_checkpoints" })
            {
                foreach (var operation in new[] { "update", "delete" })
                {
                    migrationBuilder.Sql($"DROP TRIGGER IF EXISTS {table}_no_{operation};");
                }
            }

            migrationBuilder.DropTable(
                name: "current_values");

            migrationBuilder.DropTable(
                name: "drafts");

            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.DropTable(
                name: "ledger_checkpoints");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "report_events");

            migrationBuilder.DropTable(
                name: "report_values");

            migrationBuilder.DropTable(
                name: "report_versions");

            migrationBuilder.DropTable(
                name: "reports");
        }
    }
}
