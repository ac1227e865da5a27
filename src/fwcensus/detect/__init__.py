"""Detect: per paper and framework, a verdict with the evidence that decided it."""
