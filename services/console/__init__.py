"""The staff dashboard: a read model of every topic, served as pages."""
