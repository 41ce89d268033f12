using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Oversight : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "notification_preferences",
                columns: table => new
                {
                    user_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    in_app = table.Column<bool>(type: "INTEGER", nullable: false),
                    email = table.Column<bool>(type: "INTEGER", nullable: false),
                    reminders = table.Column<bool>(type: "INTEGER", nullable: false),
                    escalations = table.Column<bool>(type: "INTEGER", nullable: false),
                    updated_us = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_preferences", x => x.user_name);
                });

            migrationBuilder.CreateTable(
                name: "notification_sends",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    address = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    created_us = table.Column<long>(type: "INTEGER", nullable: false),
                    sent_us = table.Column<long>(type: "INTEGER", nullable: true),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    next_attempt_us = table.Column<long>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    failed = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notification_sends", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    title_en = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    body = table.Column<string>(type: "TEXT", nullable: false),
                    body_en = table.Column<string>(type: "TEXT", nullable: false),
                    regime = table.Column<string>(type: "TEXT", nullable: true),
                    period = table.Column<string>(type: "TEXT", nullable: true),
                    reporter = table.Column<string>(type: "TEXT", nullable: true),
                    created_us = table.Column<long>(type: "INTEGER", nullable: false),
                    read_us = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notifications", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_notification_sends_key",
                table: "notification_sends",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notification_sends_sent_us_failed_next_attempt_us",
                table: "notification_sends",
                columns: new[] { "sent_us", "failed", "next_attempt_us" });

            migrationBuilder.CreateIndex(
                name: "ix_notifications_user_name_id",
                table: "notifications",
                columns: new[] { "user_name", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "notification_preferences");

            migrationBuilder.DropTable(
                name: "notification_sends");

            migrationBuilder.DropTable(
                name: "notifications");
        }
    }
}
