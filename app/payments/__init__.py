"""Payments: Stripe PaymentIntents and webhooks, bank transfers, refunds and the ledger (imports no other domain)."""
