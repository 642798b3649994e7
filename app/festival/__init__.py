"""Festival editions (and, later, calls and applications)."""
