"""Jobvite GET /{company}/jobs: the hosted board, every job on one server-rendered page.

Models the structure of jobs.jobvite.com boards (as described in public scraper suites): an
<h3> department heading before each <table class="jv-job-list">, rows with
<td class="jv-job-list-name"><a href="/{company}/job/{id}">Title</a></td> and
<td class="jv-job-list-location">; an unknown company is redirected to
search.jobvite.com/?invalid=1.
"""

from __future__ import annotations


def board(departments: dict[str, list[str]]) -> bytes:
    tables = "".join(
        f"""
    <h3 class="h2">{name}</h3>
    <table class="jv-job-list"><tbody>"""
        + "".join(
            f"""
      <tr><td class="jv-job-list-name"><a href="/acme/job/{ident}">Role {ident}</a></td>
          <td class="jv-job-list-location">Dublin, Ireland</td></tr>"""
            for ident in ids
        )
        + "</tbody></table>"
        for name, ids in departments.items()
    )
    return f"""<html><body><div class="jv-page-body">{tables}
    <a href="/acme/jobs/alerts">Job alerts</a></div></body></html>""".encode()
