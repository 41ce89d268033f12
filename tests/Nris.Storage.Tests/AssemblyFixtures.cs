using Nris.Testing;

// One PostgreSQL cluster for the whole assembly; each test gets its own database in it.
[assembly: AssemblyFixture(typeof(PostgresFixture))]
