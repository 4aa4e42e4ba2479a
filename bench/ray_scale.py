"""A large corpus through the themescope.ray pipeline on a local Ray cluster: wall time per
stage, the peak RSS of the driver and of every Ray process, and the object store's peak use;
to set beside `themescope run` on the same corpus (bench/README.md, "Ray at scale").

    python3 bench/scale_corpus.py --shared ../shared --n 200000 --out /tmp/scale/corpus.jsonl
    THEMESCOPE_MODELS=../shared/models .venv-python/bin/python bench/ray_scale.py \\
        /tmp/scale/corpus.jsonl --out /tmp/scale/ray --dtype i16 --method vader

Stages: read and split the documents, embed every paragraph (``concurrency`` actors of
``threads`` threads, each batch also written as a Parquet part), fit the themes on a
``fraction`` sample and refine them over every paragraph (k-means on the vectors), name them
from every paragraph (the distributed phrase counts), assign every paragraph and write the
assigned rows as Parquet, discover the actors and score their mentions. Prints one JSON line
per stage and a summary (also ``OUT/scale.json``). Memory: every process's VmHWM (its peak
resident set, kept by the kernel) sampled each second while it lives, and the object store's
use from Ray's memory summary.
"""

import argparse
import json
import os
import re
import threading
import time
from typing import Dict, List

import ray

import themescope
import themescope.ray as tsr


class Peaks:
    """Samples, once a second in a thread, every process's peak RSS (VmHWM) and the object
    store's use, keeping the largest of each."""

    def __init__(self) -> None:
        self.rss: Dict[int, Dict[str, object]] = {}
        self.store_mib = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Peaks":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.sample()

    def sample(self) -> None:
        me = os.getpid()
        for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
            name = _process_name(pid, me)
            hwm = _vm_hwm_kib(pid) if name else None
            if hwm is not None:
                seen = self.rss.setdefault(pid, {"name": name, "peak_mib": 0.0})
                seen["peak_mib"] = max(float(seen["peak_mib"]), hwm / 1024)
        self.store_mib = max(self.store_mib, _object_store_mib())


def _process_name(pid: int, driver: int) -> str:
    """The driver, or a Ray process (its title: ray::IDLE, ray::EmbedBatch, raylet, gcs_server...)."""
    if pid == driver:
        return "driver"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""
    if cmd.startswith("ray::"):
        return cmd.split()[0]
    for part in ("raylet", "gcs_server", "dashboard", "log_monitor", "runtime_env", "monitor.py"):
        if part in cmd and "ray" in cmd:
            return part
    return ""


def _vm_hwm_kib(pid: int):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _object_store_mib() -> float:
    try:
        from ray._private.internal_api import memory_summary

        text = memory_summary(stats_only=True)
    except Exception:  # the summary is best effort: an older or newer Ray may word it otherwise
        return 0.0
    found = re.search(r"Plasma memory usage (\d+(?:\.\d+)?) MiB", text)
    return float(found.group(1)) if found else 0.0


def stage(name: str, log: List[Dict[str, object]], start: float, **facts: object) -> float:
    now = time.time()
    row = {"stage": name, "seconds": round(now - start, 1), **facts}
    log.append(row)
    print(json.dumps(row), flush=True)
    return now


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", help="documents: jsonl with id and text")
    ap.add_argument("--out", required=True, help="folder for the Parquet parts and scale.json")
    ap.add_argument("--dtype", default="i16")
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--fraction", type=float, default=0.25)
    ap.add_argument("--k", default="auto")
    ap.add_argument("--method", default="vader")
    ap.add_argument("--cpus", type=int, default=os.cpu_count())
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    peaks = Peaks().start()
    log: List[Dict[str, object]] = []
    began = t = time.time()
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    t = stage("start ray", log, t)
    paragraphs = tsr.paragraphs(tsr.read_documents(args.corpus)).materialize()
    t = stage("read and split", log, t, paragraphs=paragraphs.count())
    # Half a CPU per actor leaves Ray room for the read tasks (see tsr.embed).
    embedded = tsr.embed(paragraphs, concurrency=args.concurrency, threads=args.threads, num_cpus=0.5,
                         dtype=args.dtype, parts=os.path.join(args.out, "vectors")).materialize()
    t = stage("embed", log, t, rows=embedded.count())
    embedder = themescope.Embedder(dtype=args.dtype, threads=args.threads)
    k = args.k if args.k == "auto" else int(args.k)
    fitted = tsr.fit_themes(embedded, fraction=args.fraction, seed=42, embedder=embedder, k=k, reduce="none")
    t = stage("fit, refine and name", log, t, themes=len(fitted["themes"]), refined=fitted.get("refined"),
              labels=fitted.get("labels"), names=[th["label"] for th in fitted["themes"]])
    assigned = tsr.assign(embedded, fitted)
    assigned.drop_columns(["embedding"]).write_parquet(os.path.join(args.out, "assigned"))
    t = stage("assign and write", log, t)
    actors = tsr.discover_actors(paragraphs)
    mentions = tsr.score(paragraphs, actors, concurrency=args.concurrency, threads=args.threads, num_cpus=0.5,
                         method=args.method).materialize()
    t = stage("actors and mentions", log, t, actors=len(actors), mentions=mentions.count())
    peaks.stop()
    summary = {
        "wall_s": round(time.time() - began, 1),
        "stages": log,
        "object_store_peak_mib": peaks.store_mib,
        "processes": sorted(({"pid": pid, **seen} for pid, seen in peaks.rss.items()),
                            key=lambda p: -float(p["peak_mib"])),
    }
    ray.shutdown()
    with open(os.path.join(args.out, "scale.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps({k: v for k, v in summary.items() if k != "stages"}), flush=True)


if __name__ == "__main__":
    main()
