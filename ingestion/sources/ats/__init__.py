"""ATS adapters: discovery through each applicant-tracking system's public JSON API.

Each module's `discover(source)` returns every job of the board as a record (the listing, or
the listing plus one detail call per job, carries the whole posting), so those URLs skip the
page fetch. A listing is complete only when every page was read and the count matches the
API's total where it gives one; an unknown board (404), a rate limit or bad JSON makes the
result incomplete with the reason, so the archive stage leaves the source's jobs alone.
"""
