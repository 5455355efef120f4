"""The event feed and webhook endpoints; the project mounts them under /api/."""
