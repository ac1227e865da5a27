"""Industry signals: one module per public API, each giving monthly series per framework."""
