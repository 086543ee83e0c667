"""The whole analysis of generated corpora, stage by stage, in one process and on a Dask LocalCluster.

For each size, a corpus of that many generated articles (seed 0, Parquet) is analysed end to end by
the functions the notebooks call, in a fresh process per configuration: pinned to one core, then on
a LocalCluster of ``--workers`` single-threaded workers (unpinned). Each stage prints its seconds,
its throughput (UTF-8 MB of article text per second) and its memory: each process's peak RSS in
the stage summed over the process and its workers (an upper bound of what was held at once, as the
peaks may come at different times), the process's own peak, and the most the process and its
workers held at once, sampled every 50 ms (a lower bound: a spike between samples is missed); and its
CPU seconds in the process and in its workers, which tell work done in the process while the
workers wait from work spread over them. A table then shows how each stage's cost grows with the
corpus, as the exponent k in time ~ articles^k between consecutive sizes, and what that predicts
for 10^7 articles.
"""

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import peak_rss_mb, reset_peak_rss  # noqa: E402  (scripts/ is on the path of a script run from it)

SEED = 0
TARGET = {"articles": 100_000, "seconds": 15 * 60, "peak_mb": 8_000}
MEMORY_COLUMNS = ("peak_mb", "client_mb", "at_once_mb")
CPU_COLUMNS = ("client_cpu", "workers_cpu")
STAGES = ("load", "describe", "tokens", "terms", "figures", "quotes", "framing", "passages", "alignment")
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _stages(path: Path) -> dict:
    """The analysis stages as calls: every analysis function the notebooks call, in their order
    (not the HTML). Each stage keeps in ``state`` what later stages need."""
    from analysis.corpus import (
        article_stats,
        embedded_posts,
        flagged_articles,
        load_corpus,
        tokenization_examples,
    )
    from analysis.figures import compare_figures, corpus_figures
    from analysis.framing import (
        CORPUS_TABLES,
        frame_profile,
        label_table,
        loaded_rates,
        mention_rates,
        outlet_differences,
        stance_rates,
    )
    from analysis.overlap import (
        align_sentences,
        facts_map,
        group_coverage,
        internal_copies,
        reuse_shares,
        shared_passages,
        shared_quotes,
    )
    from analysis.plotting import MAX_BARS, group_totals, largest, mean_cosine_by_group
    from analysis.quotes import corpus_credits, corpus_quotes, exclusive_speakers, voice_shares
    from analysis.terms import (
        first_occurrences,
        keyness,
        keyness_stability,
        kwic_by_group,
        term_counts,
        tfidf_matrix,
        tfidf_terms,
    )
    from analysis.text import corpus_tokens

    state: dict = {}

    def load() -> None:
        state["corpus"] = load_corpus(path)

    def describe() -> None:
        corpus = state["corpus"]
        article_stats(corpus)
        tokenization_examples(corpus)
        flagged_articles(corpus)
        embedded_posts(corpus)

    def tokens() -> None:
        state["tokens"] = corpus_tokens(state["corpus"]["text"])

    def terms() -> None:
        corpus, counts = state["corpus"], term_counts(state.pop("tokens"))
        tfidf_terms(corpus, by="article", counts=counts)
        tfidf_terms(corpus, by="group", counts=counts)
        key = keyness(corpus, counts=counts)
        first_occurrences(corpus, key, by="group", counts=counts)
        keyness_stability(corpus, counts=counts)
        kwic_by_group(corpus, key[key["rank"] == 1][["group", "term"]])
        shown = largest(corpus["group"].value_counts(), MAX_BARS)
        mean_cosine_by_group(tfidf_matrix(counts.matrix), corpus["group"], shown)

    def figures() -> None:
        compare_figures(corpus_figures(state["corpus"]))

    def quotes() -> None:
        corpus = state["corpus"]
        state["quotes"] = quoted = corpus_quotes(corpus)
        corpus_credits(corpus)
        shared_quotes(quoted)
        exclusive_speakers(quoted)

    def framing() -> None:
        corpus = state["corpus"]
        named, labels, loaded, verbs, hedged, framed = (step(corpus) for step in CORPUS_TABLES)
        outlet_differences(
            voice_shares(state.pop("quotes"), corpus),
            mention_rates(named, corpus),
            label_table(labels, corpus),
            loaded_rates(loaded, corpus),
            stance_rates(verbs, hedged, corpus),
            frame_profile(framed, corpus),
        )

    def passages() -> None:
        corpus = state["corpus"]
        shared = shared_passages(corpus)
        if len(corpus) <= MAX_BARS:  # as notebook 03: an article matrix for a few articles only
            reuse_shares(shared, corpus)
        else:
            group_of = corpus.set_index("article_id")["group"]
            group_totals(
                shared, "article_a", "article_b", "n_words", group_of, largest(corpus["group"].value_counts())
            )
        internal_copies(corpus)

    def alignment() -> None:
        corpus = state["corpus"]
        group_coverage(facts_map(align_sentences(corpus), corpus))

    calls = locals()
    return {name: calls[name] for name in STAGES}


class _HeldAtOnce:
    """The most RSS the processes ``pids`` held together, sampled every ``interval`` seconds by a
    thread (and at each :meth:`restart` and :meth:`highest_mb`), since the last :meth:`restart`."""

    def __init__(self, pids: list[int], interval: float = 0.05) -> None:
        import threading

        import psutil

        self._processes, self._interval, self._highest = [psutil.Process(p) for p in pids], interval, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        self._highest = max(self._highest, sum(p.memory_info().rss for p in self._processes))

    def _sample_until_stopped(self) -> None:
        while not self._done.wait(self._interval):
            self._sample()

    def restart(self) -> None:
        self._highest = 0
        self._sample()

    def highest_mb(self) -> float:
        self._sample()
        return self._highest / 1e6

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _cpu_seconds() -> float:
    """User and system CPU seconds of this process so far, all its threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _child(path: Path, workers: int) -> None:
    """Run every stage on the corpus at ``path``; print one JSON line per stage."""
    from contextlib import ExitStack

    from analysis import parallel

    if not workers and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    os.environ["PROGRESS"] = "off"
    with ExitStack() as stack:
        client = None
        if workers:
            from distributed import Client, LocalCluster

            cluster = stack.enter_context(
                LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
            )
            client = stack.enter_context(Client(cluster))
            stack.enter_context(parallel.using(client))
            client.run(lambda: None)
        held = _HeldAtOnce([os.getpid(), *(client.run(os.getpid).values() if client else [])])
        stack.callback(held.stop)
        for name, stage in _stages(path).items():
            reset_peak_rss()
            if client:
                client.run(reset_peak_rss)
            held.restart()
            workers_cpu = -sum(client.run(_cpu_seconds).values()) if client else 0.0
            client_cpu = -_cpu_seconds()
            start = time.perf_counter()
            stage()
            seconds = time.perf_counter() - start
            client_cpu += _cpu_seconds()
            workers_cpu += sum(client.run(_cpu_seconds).values()) if client else 0.0
            own = peak_rss_mb()
            peak = own + (sum(client.run(peak_rss_mb).values()) if client else 0)
            row = {
                "stage": name,
                "seconds": seconds,
                "peak_mb": peak,
                "client_mb": own,
                "at_once_mb": held.highest_mb(),
                "client_cpu": client_cpu,
                "workers_cpu": workers_cpu,
            }
            print(json.dumps(row), flush=True)


def _run(path: Path, workers: int) -> dict[str, dict]:
    command = [sys.executable, __file__, "--child", str(path), "--workers", str(workers)]
    proc = subprocess.run(command, env={**os.environ, **SINGLE_THREAD}, capture_output=True, text=True)
    results = {}
    for line in proc.stdout.splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            results[row.pop("stage")] = row
    if proc.returncode:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        print(f"  failed after {list(results) or 'no stage'}:\n{tail}", file=sys.stderr)
    return results


def _generate(size: int, path: Path) -> float:
    """Write the corpus; return its UTF-8 MB of article text."""
    from analysis.synthetic import generate_articles, write_corpus

    articles = generate_articles(size, seed=SEED)
    write_corpus(articles, path)
    return sum(len(text.encode("utf-8")) for text in articles["text"]) / 1e6


def _print_run(size: int, where: str, text_mb: float, results: dict[str, dict]) -> None:
    total = sum(r["seconds"] for r in results.values())
    for name in STAGES:
        if name in results:
            r = results[name]
            print(
                f"{size:>9,}  {where:>10}  {name:<10}  {r['seconds']:>9.1f}  {text_mb / r['seconds']:>8.2f}  "
                f"{r['peak_mb']:>11.0f}  {r['client_mb']:>9.0f}  {r['at_once_mb']:>10.0f}  "
                f"{r['client_cpu']:>10.1f}  {r['workers_cpu']:>11.1f}"
            )
    peak, own, at_once = (max((r[k] for r in results.values()), default=0) for k in MEMORY_COLUMNS)
    client_cpu, workers_cpu = (sum(r[k] for r in results.values()) for k in CPU_COLUMNS)
    rate = text_mb / total if total else 0.0
    print(
        f"{size:>9,}  {where:>10}  {'TOTAL':<10}  {total:>9.1f}  {rate:>8.2f}  {peak:>11.0f}  {own:>9.0f}  "
        f"{at_once:>10.0f}  {client_cpu:>10.1f}  {workers_cpu:>11.1f}"
    )
    if size == TARGET["articles"] and len(results) == len(STAGES):
        fast = total <= TARGET["seconds"]
        verdict = "MET" if fast and peak <= TARGET["peak_mb"] else "NOT MET"
        if verdict == "NOT MET" and fast and at_once <= TARGET["peak_mb"]:
            verdict = "NOT SHOWN (the summed peaks exceed 8 GB; the sampled total does not)"
        print(f"target at 100,000 ({where}): <= 15 min and <= 8 GB: {verdict}")


def _growth(times: dict[int, dict[str, float]]) -> None:
    """Exponent k of time ~ articles^k between consecutive sizes, and the time it predicts at 10^7."""
    sizes = sorted(times)
    if len(sizes) < 2:
        return
    print(
        "\ngrowth (one core): k in time ~ articles^k between consecutive sizes; projection to 10^7 articles"
    )
    print(
        f"{'stage':<10}  "
        + "  ".join(f"{f'k {a:,}->{b:,}':>20}" for a, b in pairwise(sizes))
        + "  10^7 on 1 core"
    )
    for name in STAGES:
        if not all(name in times[s] for s in sizes):
            continue
        ks = [math.log(times[b][name] / times[a][name]) / math.log(b / a) for a, b in pairwise(sizes)]
        last = sizes[-1]
        projected = times[last][name] * (10**7 / last) ** max(ks[-1], 1.0)
        print(f"{name:<10}  " + "  ".join(f"{k:>20.2f}" for k in ks) + f"  {projected / 3600:>11.1f} h")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000], help="corpus sizes")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers (0: one core only)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.workers)
        return 0
    print(
        "whole analysis per stage: seconds, MB/s of article text, and RSS in the stage: the sum of the\n"
        "process's and each worker's peak (which may come at different times), the process's own peak,\n"
        "and the most all of them held at once, sampled every 50 ms; then CPU seconds in the process\n"
        "and in all its workers\n"
        f"{'articles':>9}  {'run on':>10}  {'stage':<10}  {'seconds':>9}  {'MB/s':>8}  {'peak RSS MB':>11}  "
        f"{'client MB':>9}  {'at once MB':>10}  {'client CPU':>10}  {'workers CPU':>11}",
        flush=True,
    )
    one_core: dict[int, dict[str, float]] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="newscompare-pipeline-") as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"corpus-{size}.parquet"
            text_mb = _generate(size, path)
            runs = [(0, "1 core")] + ([(args.workers, f"{args.workers} workers")] if args.workers else [])
            for workers, where in runs:
                results = _run(path, workers)
                failed |= len(results) < len(STAGES)
                _print_run(size, where, text_mb, results)
                if not workers:
                    one_core[size] = {name: r["seconds"] for name, r in results.items()}
            path.unlink()
    _growth(one_core)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
