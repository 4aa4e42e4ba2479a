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
use (what /dev/shm holds beyond what it held before: Ray maps its object store from there).
"""

import argparse
import json
import os
import threading
import time
from typing import Dict, List

import ray

import themescope
import themescope.ray as tsr


class Peaks:
    """Samples, once a second in a thread, every process's peak RSS (VmHWM) and the object
    store's use (Ray maps its object store from /dev/shm: what the tmpfs holds beyond what it
    held before), keeping the largest of each."""

    def __init__(self) -> None:
        self.rss: Dict[int, Dict[str, object]] = {}
        self.store_mib = 0.0
        self._shm_before = _shm_used_mib()
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
            if hwm is None:
                continue
            seen = self.rss.setdefault(pid, {"name": name, "peak_mib": 0.0})
            # A worker is named by the task it ran, not by the idle title it ends with.
            if name != "ray::IDLE":
                seen["name"] = name
            seen["peak_mib"] = max(float(seen["peak_mib"]), hwm / 1024)
        self.store_mib = max(self.store_mib, _shm_used_mib() - self._shm_before)


def _shm_used_mib() -> float:
    s = os.statvfs("/dev/shm")
    return (s.f_blocks - s.f_bfree) * s.f_frsize / 2**20


def _process_name(pid: int, driver: int) -> str:
    """The driver, or a Ray process: a worker's title (ray::IDLE, ray::EmbedBatch...), a worker
    not titled yet, raylet, gcs_server, or another of Ray's helpers."""
    if pid == driver:
        return "driver"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().decode(errors="replace").split("\0")
    except OSError:
        return ""
    cmd = " ".join(argv)
    if argv[0].startswith("ray::"):
        return argv[0].split()[0]
    if "ray" not in cmd:
        return ""
    # Before the worker test: the raylet's own arguments name the worker script.
    program = os.path.basename(argv[0])
    if program in ("raylet", "gcs_server"):
        return program
    if "default_worker.py" in cmd:
        return "worker"
    for helper in ("dashboard", "log_monitor", "runtime_env", "monitor.py"):
        if helper in cmd:
            return helper
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
    t = stage("actors and mentions", log, t, actors=len(actors["actors"]), mentions=mentions.count())
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
