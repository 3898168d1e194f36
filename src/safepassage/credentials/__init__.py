"""Signed facilitation letters and boarding passes, verifiable offline."""
