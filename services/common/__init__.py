"""The kit every service, relay, bridge and worker uses."""
