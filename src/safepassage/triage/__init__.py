"""Eligibility and priority rules that a supervisor can read, change and explain."""
