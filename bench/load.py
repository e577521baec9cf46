"""The load process: N concurrent clients fire transitions over HTTP for a fixed count.

Each client owns its own cases and moves each back and forth (return for revision, resubmit),
keeping the version the server answered, so every request is a real, successful transition.
Prints one JSON line: count, seconds, throughput, p50 and p99 latency, errors.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import httpx2 as httpx


async def client(http: httpx.AsyncClient, mode: str, cases: list[int], quota: int,
                 headers: dict[str, str], latencies: list[float], errors: list[str]) -> None:
    versions = dict.fromkeys(cases, 1)
    returned = dict.fromkeys(cases, False)
    for n in range(quota):
        case_id = cases[n % len(cases)]
        if mode == "bare":
            url, body = f"/bare/{case_id}", {}
        else:
            trigger = "resubmit" if returned[case_id] else "return_for_revision"
            url = f"/api/cases/{case_id}/transitions/{trigger}"
            body = {"version": versions[case_id], "comment": "beban uji"}
        started = time.perf_counter()
        response = await http.post(url, json=body, headers=headers)
        latencies.append(time.perf_counter() - started)
        if response.status_code != 200:
            errors.append(f"{response.status_code} {response.text[:120]}")
            continue
        if mode != "bare":
            versions[case_id] = response.json()["version"]
            returned[case_id] = not returned[case_id]


async def run(base: str, mode: str, token: str, cases: list[int], count: int,
              concurrency: int) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    latencies: list[float] = []
    errors: list[str] = []
    shares = [cases[i::concurrency] for i in range(concurrency)]
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(client(http, mode, share, count // concurrency, headers,
                                      latencies, errors) for share in shares))
        seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "count": len(latencies), "seconds": round(seconds, 3),
        "throughput": round(len(latencies) / seconds, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
        "errors": len(errors), "first_error": errors[0] if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True)
    parser.add_argument("--mode", choices=("berkas", "bare"), required=True)
    parser.add_argument("--token", default="")
    parser.add_argument("--cases", required=True, help="comma-separated case ids")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    cases = [int(c) for c in args.cases.split(",")]
    print(json.dumps(asyncio.run(run(args.base, args.mode, args.token, cases, args.count,
                                     args.concurrency))))


if __name__ == "__main__":
    main()
