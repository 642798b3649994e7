"""The stalls services, one module per job (layout, holds, staff actions, map)."""
