using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Nris.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "codelists",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    codes = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_codelists", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "indicators",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    unit = table.Column<string>(type: "TEXT", nullable: false),
                    unit_en = table.Column<string>(type: "TEXT", nullable: false),
                    value_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    category_code = table.Column<string>(type: "TEXT", nullable: false),
                    territory_aggregation = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    time_aggregation = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    disaggregations = table.Column<string>(type: "TEXT", nullable: false),
                    weight_indicator_code = table.Column<string>(type: "TEXT", nullable: true),
                    formula = table.Column<string>(type: "TEXT", nullable: true),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    description_en = table.Column<string>(type: "TEXT", nullable: true),
                    min_value = table.Column<decimal>(type: "TEXT", precision: 28, scale: 8, nullable: true),
                    max_value = table.Column<decimal>(type: "TEXT", precision: 28, scale: 8, nullable: true),
                    decimals = table.Column<int>(type: "INTEGER", nullable: false),
                    source_order = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_indicators", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "information_categories",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    display_order = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_information_categories", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "nris_meta",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_nris_meta", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "organization_successions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    from_code = table.Column<string>(type: "TEXT", nullable: false),
                    to_code = table.Column<string>(type: "TEXT", nullable: false),
                    effective = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organization_successions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "organizations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    short_name = table.Column<string>(type: "TEXT", nullable: true),
                    parent_code = table.Column<string>(type: "TEXT", nullable: true),
                    territory_code = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organizations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "regimes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    periodicity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    cutoff_rule = table.Column<string>(type: "TEXT", nullable: false),
                    deadline_rule = table.Column<string>(type: "TEXT", nullable: false),
                    reporters = table.Column<string>(type: "TEXT", nullable: false),
                    recipient_code = table.Column<string>(type: "TEXT", nullable: false),
                    sections = table.Column<string>(type: "TEXT", nullable: false),
                    rules = table.Column<string>(type: "TEXT", nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    category_code = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_regimes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "territories",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    valid_to = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    level = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    name = table.Column<string>(type: "TEXT", nullable: false),
                    name_en = table.Column<string>(type: "TEXT", nullable: false),
                    short_name = table.Column<string>(type: "TEXT", nullable: false),
                    short_name_en = table.Column<string>(type: "TEXT", nullable: false),
                    parent_code = table.Column<string>(type: "TEXT", nullable: true),
                    province_code = table.Column<string>(type: "TEXT", nullable: true),
                    unit_type = table.Column<string>(type: "TEXT", nullable: false),
                    unit_type_en = table.Column<string>(type: "TEXT", nullable: false),
                    region = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_territories", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "territory_successions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    from_code = table.Column<string>(type: "TEXT", nullable: false),
                    to_code = table.Column<string>(type: "TEXT", nullable: false),
                    effective = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    level = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_territory_successions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_codelists_code",
                table: "codelists",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_indicators_category_code",
                table: "indicators",
                column: "category_code");

            migrationBuilder.CreateIndex(
                name: "ix_indicators_code",
                table: "indicators",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_information_categories_code",
                table: "information_categories",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_organization_successions_from_code",
                table: "organization_successions",
                column: "from_code");

            migrationBuilder.CreateIndex(
                name: "ix_organization_successions_to_code",
                table: "organization_successions",
                column: "to_code");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_code_valid_from",
                table: "organizations",
                columns: new[] { "code", "valid_from" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_organizations_parent_code",
                table: "organizations",
                column: "parent_code");

            migrationBuilder.CreateIndex(
                name: "ix_organizations_territory_code",
                table: "organizations",
                column: "territory_code");

            migrationBuilder.CreateIndex(
                name: "ux_organizations_code_open_from",
                table: "organizations",
                column: "code",
                unique: true,
                filter: "valid_from IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_regimes_code_version",
                table: "regimes",
                columns: new[] { "code", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_territories_code_valid_from",
                table: "territories",
                columns: new[] { "code", "valid_from" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_territories_level_valid_from_valid_to",
                table: "territories",
                columns: new[] { "level", "valid_from", "valid_to" });

            migrationBuilder.CreateIndex(
                name: "ix_territories_parent_code",
                table: "territories",
                column: "parent_code");

            migrationBuilder.CreateIndex(
                name: "ux_territories_code_open_from",
                table: "territories",
                column: "code",
                unique: true,
                filter: "valid_from IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_territory_successions_from_code",
                table: "territory_successions",
                column: "from_code");

            migrationBuilder.CreateIndex(
                name: "ix_territory_successions_to_code",
                table: "territory_successions",
                column: "to_code");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "codelists");

            migrationBuilder.DropTable(
                name: "indicators");

            migrationBuilder.DropTable(
                name: "information_categories");

            migrationBuilder.DropTable(
                name: "nris_meta");

            migrationBuilder.DropTable(
                name: "organization_successions");

            migrationBuilder.DropTable(
                name: "organizations");

            migrationBuilder.DropTable(
                name: "regimes");

            migrationBuilder.DropTable(
                name: "territories");

            migrationBuilder.DropTable(
                name: "territory_successions");
        }
    }
}
