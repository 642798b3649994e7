"""Shared plumbing: database base, clock, errors, permissions, mail outbox, i18n. Imports no domain package."""
