"""Run red-dwarf's run_pipeline on votes saved as .npz (run inside the peer venv).

    .venv-peer/bin/python benchmarks/_peer_reddwarf.py votes.npz
prints one JSON line: seconds for run_pipeline, peak RSS of this process.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np


def main() -> None:
    data = np.load(sys.argv[1])
    rows, cols, vals = data["rows"], data["cols"], data["vals"]
    mod_out = data["mod_out"].tolist() if "mod_out" in data else []
    t0 = time.perf_counter()
    from reddwarf.implementations.base import run_pipeline

    import_s = time.perf_counter() - t0
    votes = [
        {"participant_id": int(r), "statement_id": int(c), "vote": int(v), "modified": 0}
        for r, c, v in zip(rows.tolist(), cols.tolist(), vals.tolist(), strict=True)
    ]
    t1 = time.perf_counter()
    run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
    seconds = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"run_pipeline_s": seconds, "import_s": import_s, "peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main()
