"""Examples of outside systems that work with Reemploy."""
