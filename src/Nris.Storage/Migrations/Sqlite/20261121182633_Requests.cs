using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Requests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "report_request_answers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    organization_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    answered_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    answered_us = table.Column<long>(type: "INTEGER", nullable: false),
                    ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    values_json = table.Column<string>(type: "TEXT", nullable: false),
                    texts_json = table.Column<string>(type: "TEXT", nullable: false),
                    payload_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_request_answers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_request_attachments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    answer_id = table.Column<long>(type: "INTEGER", nullable: false),
                    request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_request_attachments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_request_targets",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    organization_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    versions = table.Column<int>(type: "INTEGER", nullable: false),
                    returns = table.Column<int>(type: "INTEGER", nullable: false),
                    first_answered_us = table.Column<long>(type: "INTEGER", nullable: true),
                    decision_reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    decided_us = table.Column<long>(type: "INTEGER", nullable: true),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_request_targets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "report_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    issuer_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    issued_by = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    subject_en = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    questions_json = table.Column<string>(type: "TEXT", nullable: false),
                    indicators_json = table.Column<string>(type: "TEXT", nullable: false),
                    period = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    deadline = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    issued_us = table.Column<long>(type: "INTEGER", nullable: false),
                    ledger_sequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_report_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_report_request_answers_request_id_organization_code_version",
                table: "report_request_answers",
                columns: new[] { "request_id", "organization_code", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_report_request_attachments_answer_id",
                table: "report_request_attachments",
                column: "answer_id");

            migrationBuilder.CreateIndex(
                name: "ix_report_request_attachments_request_id",
                table: "report_request_attachments",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_report_request_targets_organization_code",
                table: "report_request_targets",
                column: "organization_code");

            migrationBuilder.CreateIndex(
                name: "ix_report_request_targets_request_id_organization_code",
                table: "report_request_targets",
                columns: new[] { "request_id", "organization_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_report_requests_issuer_code",
                table: "report_requests",
                column: "issuer_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "report_request_answers");

            migrationBuilder.DropTable(
                name: "report_request_attachments");

            migrationBuilder.DropTable(
                name: "report_request_targets");

            migrationBuilder.DropTable(
                name: "report_requests");
        }
    }
}
