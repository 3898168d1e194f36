"""Flights, manifest planning, re-planning and the gate."""
