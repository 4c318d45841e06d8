"""Training service tests on real SQLite and PostgreSQL."""
