"""The hash-chained audit trail of every change and every read of a person's file."""
