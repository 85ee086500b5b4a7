"""Use cases: each one transaction that changes the database and writes its audit event."""
