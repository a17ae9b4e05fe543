"""The load tool of `make bench-tips`, run as its own process.

Untimed: it walks `count` anonymous sessions through steps 1-4 of the tip form, so each holds a
real encrypted draft, a form token and a submission key. Timed: the final send of each (one POST
that stores the tip and answers with the redirect to the receipt page, which is not fetched)
against as many POSTs to the baseline view, which stores one row. Both go through the same
server, from `workers` threads, one new connection per request. The timed part alternates
between the two in rounds (baseline first in one round, tips first in the next), so a change
in the load of a shared machine falls on both alike. Prints one JSON line."""

from __future__ import annotations

import argparse
import http.client
import json
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

# Under the public pages' prefix, so the baseline passes the same middleware work as a tip.
BASELINE_PATH = "/t/_bench/baseline/"
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


@dataclass
class Session:
    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {"Host": f"{self.host}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode({"form_token": self.token, **data})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        found = TOKEN.search(text)
        if found:
            self.token = found.group(1)
        return response.status, text


STEPS = [
    {"step": "1", "danger_now": "no"},
    {
        "step": "2",
        "what_happened": "Skrik och dunsar från lägenheten bredvid flera kvällar i rad.",
        "when_text": "Fredag",
        "place": "Götgatan",
    },
    {
        "step": "3",
        "people_involved": "En man och en kvinna",
        "children_in_home": "yes",
        "weapons": "no",
        "threats": "yes",
    },
    {"step": "4", "how_known": "neighbour"},
]


def prepare(host: str, port: int, base: str) -> Session:
    session = Session(host, port)
    session.request("GET", base)
    for step in STEPS:
        status, _text = session.request("POST", base, step)
        assert status == 200, f"step {step['step']}: {status}"
    return session


def timed(numbers: range, workers: int, call) -> tuple[float, list[int]]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(call, numbers))
    return time.perf_counter() - started, statuses


def interleaved(
    count: int, workers: int, rounds: int, calls: dict[str, Callable[[int], int]]
) -> dict[str, Any]:
    """Time each call over `count` requests, split into rounds that alternate the order."""
    seconds = dict.fromkeys(calls, 0.0)
    statuses: dict[str, list[int]] = {name: [] for name in calls}
    size = max(1, -(-count // rounds))
    for number, start in enumerate(range(0, count, size)):
        names = list(calls) if number % 2 == 0 else list(reversed(calls))
        for name in names:
            spent, got = timed(range(start, min(count, start + size)), workers, calls[name])
            seconds[name] += spent
            statuses[name] += got
    return {"seconds": seconds, "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--unit", default="bench")
    args = parser.parse_args()
    host, base = "127.0.0.1", f"/t/{args.unit}/sv/tipsa/"
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        sessions = list(pool.map(lambda _n: prepare(host, args.port, base), range(args.count)))

    def send(number: int) -> int:
        return sessions[number].request("POST", base, {"step": "5", "go": "next"})[0]

    def baseline(number: int) -> int:
        return Session(host, args.port).request("POST", BASELINE_PATH, {"note": f"row {number}"})[0]

    result = interleaved(args.count, args.workers, args.rounds, {"baseline": baseline, "tip": send})
    print(
        json.dumps(
            {
                "count": args.count,
                "workers": args.workers,
                "rounds": args.rounds,
                "baseline_seconds": result["seconds"]["baseline"],
                "tip_seconds": result["seconds"]["tip"],
                "baseline_ok": sum(1 for s in result["statuses"]["baseline"] if s == 200),
                "tips_ok": sum(1 for s in result["statuses"]["tip"] if s == 302),
            }
        )
    )


if __name__ == "__main__":
    main()
