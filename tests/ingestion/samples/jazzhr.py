"""JazzHR GET /apply/jobs: a board's public listing, one server-rendered page.

Models the two layouts of {company}.applytojob.com boards (as described in public scraper
suites): table rows <tr id="row_job_..."> with <a class="job_title_link"
href="/apply/jobs/details/{code}">, and list-group items <li class="list-group-item"> with
<a href="https://{company}.applytojob.com/apply/{code}/{Title}">.
"""

from __future__ import annotations

TABLE = b"""<html><body><table class="table">
  <tr id="row_job_1"><td>
    <a class="job_title_link" href="/apply/jobs/details/Qw3rTy7UiO?">Electrician</a></td>
      <td>Austin, TX</td></tr>
  <tr id="row_job_2"><td>
    <a class="job_title_link" href="/apply/jobs/details/As4dFg8HjK">Plumber</a></td>
      <td>Austin, TX</td></tr>
</table><a href="/apply/jobs">All jobs</a></body></html>"""


def list_group(base: str) -> bytes:
    return f"""<html><body><ul class="list-group">
  <li class="list-group-item"><h3 class="list-group-item-heading">
    <a href="{base}/apply/Zx9Cv8Bn7M/Roofer">Roofer</a></h3>
    <ul class="list-inline"><li><i class='fa fa-map-marker'></i>Denver, CO</li></ul></li>
</ul></body></html>""".encode()


EMPTY = b"<html><body><p>There are no current openings at this time.</p></body></html>"
