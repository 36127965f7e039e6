"""Dunning in the application: plans written to the outbox, people approving, senders delivering
through real channels, every step audited (issue 18). The decisions themselves are the pure engines
of ``dunwell.dunning``."""
