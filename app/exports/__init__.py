"""Exports: every staff list as CSV (UTF-8 with a BOM) or XLSX, filtered as on its page, streamed, and logged."""
