"""Record linkage: one person is one person, however often registered."""
