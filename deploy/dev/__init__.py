"""The embedded stack behind `make up`: Tansu broker, Temporal dev server, SQLite, every process supervised."""
