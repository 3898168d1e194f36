"""The outbox: every person hears what is happening to them, in their language."""
