"""Festival services, one module per job. Functions take the acting user, flush, and never commit."""
