"""Accounts: registration, confirmation, login, passwords, profile, invitations, role home pages."""
