"""The embedded stack behind `make up`: Tansu, the Temporal dev server, SQLite, supervised processes."""
