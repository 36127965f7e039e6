"""Cash-in forecast (issue 19): pure engines, values in and values out (no database, no files)."""
