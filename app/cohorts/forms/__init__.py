"""The cohorts' forms."""
