class AuditError(RuntimeError):
    """The ledger cannot record an entry, or cannot tell its number (outside a transaction, bad input)."""
