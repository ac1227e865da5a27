"""The offline demo: a generated sample mirror and a full run against it."""
