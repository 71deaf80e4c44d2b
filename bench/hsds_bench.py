"""How long the HSDS export, the HSDS import and the JSON API take on the bundled
catalogue. Prints medians.

    .venv/bin/python bench/hsds_bench.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from finder.catalogue.build import build
from finder.content import load
from finder.interop.hsds_export import export
from finder.interop.hsds_import import import_hsds
from finder.web import create_app

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
QUERIES = ["/api/v1/services?q=Hebamme", "/api/v1/services?age=4&district=hafen",
           "/api/v1/services?q=midwife&lang=en&per_page=50", "/api/v1/services?topic=health",
           "/api/v1/organizations?per_page=100", "/api/v1/taxonomy_terms"]


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        content = load(CONTENT)
        print(f"catalogue: {len(content.offers)} offers, {len(content.providers)} providers")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            export(load(CONTENT), tmp / "out")
            times.append(time.perf_counter() - start)
        print(f"export (load content, JSON and data package): {median_ms(times)}")
        for form in ("json", "tabular"):
            times = []
            for i in range(runs):
                target = tmp / f"{form}{i}" / "content"
                shutil.copytree(CONTENT, target, ignore=shutil.ignore_patterns("providers",
                                                                                "translations"))
                (target / "providers").mkdir()
                start = time.perf_counter()
                import_hsds(tmp / "out" / form, target)
                times.append(time.perf_counter() - start)
            print(f"import from {form} (read, map, write and validate): {median_ms(times)}")
        build(CONTENT, tmp / "data")
        app = create_app({"DATA_DIR": str(tmp / "data"), "API_RATE_LIMIT": "1000000 per minute"})
        client = app.test_client()
        client.get("/api/v1/services")  # opens the build and the API's index
        for url in QUERIES:
            times = []
            for _ in range(runs * 10):
                start = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, url
            print(f"GET {url}: {median_ms(times)} (median of {len(times)}, in-process)")


if __name__ == "__main__":
    main()
