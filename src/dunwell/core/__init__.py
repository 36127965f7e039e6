"""Pure domain core: values and calculations over them. Standard library and Decimal only."""
