"""PostgreSQL: the connection pool and versioned SQL migrations."""
