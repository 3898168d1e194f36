"""Resettlement: from arrival to a life rebuilt (issue 20)."""
