"""Fetch: the HTTP client, politeness, and the stage that downloads documents."""
