using Microsoft.EntityFrameworkCore.Design;

namespace Nris.Storage;

// Used only by `dotnet ef migrations add`: generating a migration needs the model, not a live database,
// so the connection strings below are never opened.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteNrisDbContext>
{
    public SqliteNrisDbContext CreateDbContext(string[] args) =>
        new(NrisDbContextFactory.BuildSqlite("Data Source=design-time.db"));
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresNrisDbContext>
{
    public PostgresNrisDbContext CreateDbContext(string[] args) =>
        new(NrisDbContextFactory.BuildPostgres("Host=localhost;Database=nris_design_time"));
}
