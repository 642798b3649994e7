"""The audit log: one append-only row per staff action, written in the same transaction as the action."""
