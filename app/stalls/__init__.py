"""Stall bookings: the festival ground of an edition (zones, stalls, a map), holds while paying, bookings."""
