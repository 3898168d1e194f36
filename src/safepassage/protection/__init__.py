"""Protection of personal data at rest: authenticated encryption of fields and keyed blind indexes.

A stolen database file or backup reveals no one without the keys, which live outside the database.
"""
