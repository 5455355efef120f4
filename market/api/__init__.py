"""The REST API for division agents: the same services and rules as the browser."""
