"""`make demo`: a living district for the dashboard, seeded and driven through the running stack's APIs."""
