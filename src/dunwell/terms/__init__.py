"""The terms catalogue: what the ERP's terms codes mean."""
