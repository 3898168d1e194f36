"""The diplomatic log: meetings, demands, concerns, commitments and follow-ups."""
