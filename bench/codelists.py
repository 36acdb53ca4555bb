"""Benchmark: cold load of all 70 codelists, and name lookups (exact and fuzzy). Prints JSON.

Each figure is the median of several fresh processes, because "cold" means a new interpreter: the
codelists are cached per process. Needs an installed standard (IATICONV_HOME).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

PROBE = """
import json, time
t0 = time.perf_counter()
from iaticonv.standard import load_codelists
t1 = time.perf_counter()
lists = load_codelists()
t2 = time.perf_counter()
lists.find("Pérou")
t3 = time.perf_counter()
lists.find("Pérou")
t4 = time.perf_counter()
lists.find("Donor countri personel")
t5 = time.perf_counter()
print(json.dumps({"import_ms": (t1 - t0) * 1e3, "cold_load_ms": (t2 - t1) * 1e3,
                  "first_find_ms": (t3 - t2) * 1e3, "exact_find_ms": (t4 - t3) * 1e3,
                  "fuzzy_find_ms": (t5 - t4) * 1e3}))
"""


def main(runs: int = 7) -> None:
    samples = [json.loads(subprocess.check_output([sys.executable, "-c", PROBE], text=True)) for _ in range(runs)]
    result = {key: round(statistics.median(s[key] for s in samples), 1) for key in samples[0]}
    result["runs"] = runs
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
