"""The ATS-details bench's Workday tenant, run in its own process: the CXS API on 127.0.0.1.

POST /wday/cxs/acme/External/jobs {"appliedFacets", "limit" <= 20, "offset"} searches N jobs
(`total` on the first page only, capped at 2,000, a `locations` facet nested in
locationMainGroup, as myworkdayjobs.com answers); GET /wday/cxs/acme/External/job/... is a
job's detail; GET /__stats counts the listing and detail requests served so far. With
changed_every k > 0 every k-th job is changed: its listing entry names another place and its
detail says so, with another description.
"""

from __future__ import annotations

import json
import re
import sys
import threading
from http.server import ThreadingHTTPServer

from bench.server import PageHandler

CXS = "/wday/cxs/acme/External"
CAP = 2000
CITIES = ("Berlin", "Lisbon", "Toronto", "Austin", "Madrid", "Lyon", "Warsaw", "Dublin")
DETAIL = re.compile(rf"^{CXS}/job/[^/]+/Engineer-(\d+)_R\d+$")


class Handler(PageHandler):
    jobs = 0
    changed_every = 0
    served = {"listing": 0, "details": 0}
    lock = threading.Lock()

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
        if self.path != f"{CXS}/jobs" or not 0 < int(body.get("limit") or 0) <= 20:
            self._send(400, b'{"errorCode": "HTTP_400"}', "application/json")
            return
        self._count("listing")
        wanted = (body.get("appliedFacets") or {}).get("locations")
        matching = [n for n in range(self.jobs) if not wanted or _city_id(n) in wanted]
        offset, limit = int(body.get("offset") or 0), int(body["limit"])
        page = {
            "total": min(len(matching), CAP) if offset == 0 else 0,
            "jobPostings": [self._posting(n) for n in matching[offset : offset + limit]],
            "facets": _facets(matching) if offset == 0 else [],
            "userAuthenticated": False,
        }
        self._send(200, json.dumps(page).encode(), "application/json")

    def do_GET(self):
        if self.path == "/__stats":
            with self.lock:
                stats = json.dumps(self.served).encode()
            self._send(200, stats, "application/json")
            return
        match = DETAIL.match(self.path)
        if not match or int(match.group(1)) >= self.jobs:
            self._send(404, b'{"errorCode": "HTTP_404"}', "application/json")
            return
        self._count("details")
        self._send(200, self._detail(int(match.group(1))), "application/json")

    def _count(self, kind: str) -> None:
        with self.lock:
            self.served[kind] += 1

    def _changed(self, n: int) -> bool:
        return bool(self.changed_every) and n % self.changed_every == 0

    def _posting(self, n: int) -> dict:
        place = f"{_city(n)}, 2 Locations" if self._changed(n) else _city(n)
        return {
            "title": f"Engineer {n}",
            "externalPath": _path(n),
            "locationsText": place,
            "postedOn": f"Posted {n % 30} Days Ago",
            "bulletFields": [f"R{100000 + n}"],
        }

    def _detail(self, n: int) -> bytes:
        changed = self._changed(n)
        text = ("Now hybrid. " if changed else "") + "Build and run the payroll engine. " * 20
        info = {
            "id": f"id-{n}",
            "title": f"Engineer {n}",
            "jobDescription": f"<p>{text}</p><ul><li>Go</li></ul>",
            "location": _city(n),
            "additionalLocations": ["Remote, Europe"] if changed else [],
            "postedOn": f"Posted {n % 30} Days Ago",
            "startDate": "2026-11-02",
            "timeType": "Full time",
            "remoteType": "Hybrid" if changed else "On-site",
            "jobReqId": f"R{100000 + n}",
            "externalUrl": f"http://{self.headers['Host']}/External{_path(n)}",
        }
        detail = {"jobPostingInfo": info, "hiringOrganization": {"name": "Acme Payroll"}}
        return json.dumps(detail).encode()


def _city(n: int) -> str:
    return CITIES[n % len(CITIES)]


def _city_id(n: int) -> str:
    return f"loc-{_city(n)}"


def _path(n: int) -> str:
    return f"/job/{_city(n)}/Engineer-{n}_R{100000 + n}"


def _facets(matching: list[int]) -> list[dict]:
    counts: dict[str, int] = {}
    for n in matching:
        counts[_city(n)] = counts.get(_city(n), 0) + 1
    values = [{"descriptor": c, "id": f"loc-{c}", "count": k} for c, k in counts.items()]
    locations = {"facetParameter": "locations", "descriptor": "Locations", "values": values}
    return [{"facetParameter": "locationMainGroup", "values": [locations]}]


def main(port: int, jobs: int, changed_every: int = 0) -> None:
    Handler.jobs, Handler.changed_every = jobs, changed_every
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
