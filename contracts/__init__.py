"""The only code services share about each other: events, the envelope, topics and workflow inputs."""
