"""Staff, partner organisations, roles and sign-in with a second factor."""
