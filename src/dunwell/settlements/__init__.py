"""Settlement: the one place that changes what is owed (ADR 0018).

Cash allocations, credit memos applied to invoices, discounts and deductions, bad-debt write-offs
and their reversals all post here; it owns open amounts, statuses and their audit entries.
"""
