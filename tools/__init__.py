"""Project tooling: contract generation."""
