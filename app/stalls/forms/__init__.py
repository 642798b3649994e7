"""The stalls forms."""
