"""Django's PostgreSQL backend, committing the audit entries a transaction recorded with its COMMIT."""
