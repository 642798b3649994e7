"""Festival forms, one module per job."""
