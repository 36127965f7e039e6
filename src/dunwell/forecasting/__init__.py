"""The cash-in forecast of the stored book and its what-if scenarios (issue 19): the application
side of the pure engines in ``dunwell.forecast``."""
