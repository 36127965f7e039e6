"""Cash application: bank statements in, payments matched to what customers owe, people in the
loop for what the engine is unsure of. The operations are in ``dunwell.cashapp.service``."""
