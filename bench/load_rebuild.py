"""Serving while the catalogue changes: load, switches and memory.

Builds two catalogues of the same generated content (the second with changed texts),
starts `finder serve`, sends distinct searches from many clients and switches the live
catalogue twice during the run (to the changed build and back), then switches twenty
more times and reads the workers' memory after each switch.

Prints failed requests, the p50/p95 latency before, during and after the switches, and
the workers' resident memory after the first and after the last switch.

    .venv/bin/python bench/load_rebuild.py [--offers 10000] [--clients 32] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from search_bench import generate  # noqa: E402

from finder.catalogue.build import build  # noqa: E402

WORDS = ["Beratung", "Hebamme", "Kita", "Schwimmkurs", "Hausaufgaben", "Deutschkurs", "Sport",
         "Geld", "Frühförderung", "Krabbelgruppe", "Elterncafé", "Ausbildung", "midwife",
         "kreş", "детский сад", "حضانة"]
DISTRICTS = ["altstadt", "nordstadt", "suedstadt", "weststadt", "lindenhof", "ostend"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0


def switch(data: Path, target: Path) -> None:
    """Point data/current at a build with one atomic rename, as `finder build` does."""
    tmp = data / f".current-bench-{os.getpid()}"
    if tmp.is_symlink():
        tmp.unlink()
    os.symlink(os.path.relpath(target, data), tmp)
    os.replace(tmp, data / "current")


def worker_rss(master: int) -> list[int]:
    """Resident memory in MB of the server's worker processes."""
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += (task / "children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) // 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--switches", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="finder-rebuild-"))
    generate(args.offers, work / "content")
    data = work / "data"
    first = build(work / "content", data)
    changed = work / "content" / "providers" / "gen-provider-0.yaml"
    changed.write_text(changed.read_text(encoding="utf-8").replace("(", "(neu "), encoding="utf-8")
    second = build(work / "content", data)
    print(f"{args.offers:,} offers; builds {first.seconds:.1f} s and {second.seconds:.1f} s")

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "finder.cli", "serve", "--port", str(port),
                               "--workers", "2", "--data-dir", str(data)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/de/")
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)
        results: list[tuple[float, float, int]] = []  # (start, latency ms, status)
        lock = threading.Lock()
        stop_at = time.monotonic() + args.seconds
        started = time.monotonic()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                word = rng.choice(WORDS)
                path = (f"/de/search?q={quote(word)}&age={rng.randint(0, 17)}"
                        f"&district={rng.choice(DISTRICTS)}&page={1 + n % 3}"
                        f"&free={rng.randint(0, 1)}")
                t = time.monotonic()
                try:
                    conn.request("GET", path)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    results.append((t - started, (time.monotonic() - t) * 1000, status))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        third = args.seconds / 3
        time.sleep(third)
        switch_times = [time.monotonic() - started]
        switch(data, second.path)
        time.sleep(third / 2)
        switch_times.append(time.monotonic() - started)
        switch(data, first.path)
        for thread in threads:
            thread.join()

        def phase(low: float, high: float) -> str:
            latencies = [ms for at, ms, _ in results if low <= at < high]
            return (f"{statistics.median(latencies):6.1f} / {percentile(latencies, 95):6.1f} ms "
                    f"({len(latencies)} requests)") if latencies else "no requests"

        # A request fails when it gets no answer or a server error; 400/404 for pages
        # beyond the last are answers.
        failed = [s for _, _, s in results if s == 0 or s >= 500]
        print(f"requests: {len(results)}, failed: {len(failed)}")
        print(f"before the switches  p50 / p95: {phase(0, switch_times[0])}")
        print(f"during (switch, 1 s after the second switch): "
              f"{phase(switch_times[0], switch_times[1] + 1)}")
        print(f"after                p50 / p95: {phase(switch_times[1] + 1, args.seconds)}")

        sizes = []
        builds = [second.path, first.path]
        for n in range(args.switches):
            switch(data, builds[n % 2])
            for _ in range(12):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", f"/de/search?q=Kita&age={n % 10}&page=1")
                conn.getresponse().read()
                conn.close()
            sizes.append(sum(worker_rss(server.pid)))
        print(f"workers' memory after switch 1: {sizes[0]} MB, after switch {args.switches}: "
              f"{sizes[-1]} MB ({100 * (sizes[-1] - sizes[0]) / sizes[0]:+.1f} %); "
              f"all: {sizes}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
