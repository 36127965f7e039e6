"""Cash application: match incoming payments to open items, with evidence and a calibrated confidence."""
