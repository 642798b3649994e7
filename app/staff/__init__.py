"""Staff desk: dashboard and people management (invitations)."""
