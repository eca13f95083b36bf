"""The city's open data: impact by district and month, published once a month and then fixed.

**What is published.** Totals only. Counts of drop-offs, donors, people and households
below ``FOODBANK_OPEN_DATA_MIN_COUNT`` are withheld, and so are the kg, meals and kgCO2e
that would tell what a donor who may not be named gave (too few donors, or one or two
giving nearly all).

**When.** A month is published ``FOODBANK_OPEN_DATA_DELAY_DAYS`` after it ends, so that
drop-offs logged late are in it, and not while a drop-off of it still waits for its impact
or a CSV import is under way. Its figures are then written down and read from there on: two
readings of a month must never differ, or the difference would tell what one donor gave in
between. A drop-off logged after that counts on the dashboard but not in the published
month; an administrator may revise a month by hand, giving the reason.
"""
