"""Simulated companies as folders: writing what the simulator generates, and reading back a
folder's manifest to rebuild its company (the strategy lab).

The simulator itself (``dunwell.simulate``) is an engine and does no I/O: it returns companies,
tables of rows, statements and their texts; this package writes and reads the files.
"""
