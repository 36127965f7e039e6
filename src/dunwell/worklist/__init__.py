"""The collector\x27s day: the worklist ranked by the cash an action brings per minute (ADR 0025)."""
