"""Sources: one module per venue source, each turning listing pages into Paper records."""
