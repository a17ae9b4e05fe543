"""The load tool of `make bench-tips`, run as its own process: it walks sessions through the tip
form (not timed), then sends them all at once from several threads (timed), then posts as many
requests to the baseline view the same way. Prints one JSON line."""

from __future__ import annotations

import argparse
import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

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


def timed(count: int, workers: int, call) -> tuple[float, list[int]]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(call, range(count)))
    return time.perf_counter() - started, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--unit", default="bench")
    args = parser.parse_args()
    host, base = "127.0.0.1", f"/t/{args.unit}/sv/tipsa/"
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        sessions = list(pool.map(lambda _n: prepare(host, args.port, base), range(args.count)))

    def send(number: int) -> int:
        return sessions[number].request("POST", base, {"step": "5", "go": "next"})[0]

    def baseline(number: int) -> int:
        return Session(host, args.port).request(
            "POST", "/bench/baseline/", {"note": f"row {number}"}
        )[0]

    base_seconds, base_statuses = timed(args.count, args.workers, baseline)
    tip_seconds, tip_statuses = timed(args.count, args.workers, send)
    print(
        json.dumps(
            {
                "count": args.count,
                "workers": args.workers,
                "baseline_seconds": base_seconds,
                "tip_seconds": tip_seconds,
                "baseline_ok": sum(1 for s in base_statuses if s == 200),
                "tips_ok": sum(1 for s in tip_statuses if s == 302),
            }
        )
    )


if __name__ == "__main__":
    main()
