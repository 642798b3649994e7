"""The cohorts' services, one module per job; each takes the acting user, never commits, and raises DomainError."""
