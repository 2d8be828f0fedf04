"""The gateway's adapters for PostgreSQL, the uploads bucket and Redis."""
