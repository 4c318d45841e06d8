"""Temporal workflows, the Kafka → Temporal bridge and the worker."""
