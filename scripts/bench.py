"""Time and memory of loading, tokenizing and term analysis of a generated corpus, against scikit-learn.

The pipeline must handle real archives, not just the five seeds, at 5 MB of text per second
on one core. Every stage runs in a fresh subprocess pinned to one CPU with the BLAS/OpenMP
pools (and so pyarrow's CPU pool) at one thread, so the numbers do not depend on the
machine's core count. Throughput is UTF-8 MB (10^6 bytes) of article bodies per second,
import time excluded.

Peak RSS is ``ru_maxrss`` of the stage's own process. Linux carries the parent's RSS at fork
into a child's ``ru_maxrss``, so generation runs in a child too and this parent stays small.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED = 0
TARGET_MB_S = 5.0
TARGET_STAGE = "tokenize"
SUFFIXES = {"parquet": ".parquet", "jsonl": ".jsonl", "folder": ""}
SINGLE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STAGES = {
    "load": "load_corpus",
    "tokenize": "load_corpus + tokenize",
    "tfidf": "TfidfVectorizer().fit_transform (baseline)",
    "terms": "TF-IDF top terms + keyness per outlet",
    "figures": "extract_figures (first 10,000 articles)",
}
FIGURE_ARTICLES = 10_000
FIGURE_TARGET = 200  # articles/s on one core
QUANTULUM_ARTICLES = 300  # quantulum3 takes ~0.1 s an article: a sample of the same texts
QUANTULUM_TARGET_RATIO = 20
BENCH_VENV = ROOT / ".venv-bench"  # quantulum3 lives here, never in the project's environment
BENCH_REQUIREMENTS = ROOT / "scripts" / "bench-requirements.txt"
TERMS_TARGET_RATIO = 3.0  # TF-IDF + keyness at most this many times the plain TfidfVectorizer


def peak_rss_mb() -> float:
    """Peak RSS of this process: since :func:`reset_peak_rss` where Linux allows it, else since start."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    kib_or_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib_or_bytes * (1 if sys.platform == "darwin" else 1024) / 1e6


def reset_peak_rss() -> None:
    """Start the peak RSS afresh (Linux: writing 5 to clear_refs resets VmHWM), so a measurement leaves
    out what came before it, such as generating the corpus or the RSS a forked worker inherited."""
    clear_refs = Path("/proc/self/clear_refs")
    if clear_refs.exists():
        clear_refs.write_text("5")


def _prepare(stage: str, corpus: Path, texts: Path) -> Callable[[], object]:
    """Import and set up outside the timed call; the returned call is the measured work."""
    if stage == "tfidf":
        import pandas as pd
        from sklearn.feature_extraction.text import TfidfVectorizer

        bodies = pd.read_parquet(texts, columns=["text"])["text"].tolist()
        return lambda: TfidfVectorizer().fit_transform(bodies)
    if stage == "figures":
        import pandas as pd

        from analysis.figures import extract_figures

        bodies = pd.read_parquet(texts, columns=["text"])["text"].head(FIGURE_ARTICLES).tolist()
        return lambda: [extract_figures(body) for body in bodies]
    from analysis.corpus import load_corpus

    if stage == "terms":
        from analysis.terms import count_terms, keyness, tfidf_terms

        loaded = load_corpus(corpus)

        def term_tables() -> tuple:
            counts = count_terms(loaded["text"])
            return tfidf_terms(loaded, by="group", counts=counts), keyness(loaded, counts=counts)

        return term_tables

    if stage == "load":
        return lambda: load_corpus(corpus)
    from analysis.text import tokenize

    return lambda: [tokenize(text) for text in load_corpus(corpus)["text"]]


def _measure(stage: str, corpus: Path, texts: Path) -> dict[str, float | None]:
    work = _prepare(stage, corpus, texts)
    rss_before = peak_rss_mb()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    rows = len(result) if stage in ("load", "tokenize", "figures") else None
    return {"seconds": seconds, "peak_mb": peak, "growth_mb": peak - rss_before, "rows": rows}


def _generate(scale: int, corpus: Path, texts: Path) -> dict[str, float]:
    """Write the corpus, plus its bodies as Parquet for the baseline whatever the format."""
    from analysis.synthetic import generate_articles, write_corpus

    start = time.perf_counter()
    df = generate_articles(scale, seed=SEED)
    seconds = time.perf_counter() - start
    write_corpus(df, corpus)
    if texts != corpus:
        write_corpus(df[["text"]], texts)
    files = corpus.rglob("*") if corpus.is_dir() else [corpus]
    return {
        "seconds": seconds,
        "words": int(df["text"].str.count(r"\S+").sum()),
        "text_mb": sum(len(text.encode("utf-8")) for text in df["text"]) / 1e6,
        "disk_mb": sum(f.stat().st_size for f in files) / 1e6,
    }


def _plant(scale: int, articles_path: Path, planted_path: Path) -> dict:
    """Write ``scale`` generated articles with planted passages, and the plants, as Parquet: generating
    them in the measured process would leave its memory behind in that process's RSS."""
    from analysis.overlap import plant_passages
    from analysis.synthetic import generate_articles

    articles, planted = plant_passages(generate_articles(scale, SEED), max(1, scale // 20), 40, SEED)
    articles.to_parquet(articles_path)
    planted.to_parquet(planted_path)
    return {"articles": len(articles)}


def _reuse(articles_path: Path, planted_path: Path, baseline: bool, workers: int) -> dict:
    """Planted passages in generated articles (see :func:`_plant`): shared_passages (time, recall, false
    pairs), align_sentences (time) and, with ``baseline``, all-pairs TF-IDF cosine on the same texts.
    With ``workers``, the per-chunk work runs on a LocalCluster of that many single-threaded workers."""
    from contextlib import ExitStack

    import pandas as pd

    from analysis import parallel
    from analysis.overlap import align_sentences, bare_corpus, planted_scores, shared_passages

    with ExitStack() as stack:
        client = None
        if workers:
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
            client = stack.enter_context(Client(stack.enter_context(cluster)))
            stack.enter_context(parallel.using(client))
            client.run(reset_peak_rss)  # workers up before the clock starts, their peak RSS from here
        corpus, planted = bare_corpus(pd.read_parquet(articles_path)), pd.read_parquet(planted_path)
        reset_peak_rss()  # the corpus stays in memory; reading it does not count
        start = time.perf_counter()
        found = shared_passages(corpus)
        result = {"seconds": time.perf_counter() - start, **planted_scores(found, planted)}
        result["peak_mb"] = peak_rss_mb() + (sum(client.run(peak_rss_mb).values()) if client else 0)
        start = time.perf_counter()
        align_sentences(corpus)
        result["align_seconds"] = time.perf_counter() - start
    if baseline:
        from sklearn.feature_extraction.text import TfidfVectorizer

        start = time.perf_counter()
        matrix = TfidfVectorizer().fit_transform(corpus["text"])
        (matrix @ matrix.T).sum()
        result["all_pairs_seconds"] = time.perf_counter() - start
    return result


def _child(stage: str, scale: int, corpus: Path, texts: Path) -> None:
    """Run one stage and print its results as JSON on the last line of stdout."""
    if hasattr(os, "sched_setaffinity") and stage != "reuse-cluster":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    if stage == "generate":
        result = _generate(scale, corpus, texts)
    elif stage in REUSE_STAGES:
        workers = REUSE_WORKERS if stage == "reuse-cluster" else 0
        result = _reuse(corpus, texts, baseline=stage == "reuse+baseline", workers=workers)
    elif stage == "plant":
        result = _plant(scale, corpus, texts)
    else:
        result = _measure(stage, corpus, texts)
    print(json.dumps(result))


def _run(stage: str, scale: int, corpus: Path, texts: Path) -> dict | None:
    command = [sys.executable, __file__, "--stage", stage, "--scale", str(scale)]
    command += ["--corpus", str(corpus), "--texts", str(texts)]
    proc = subprocess.run(command, env={**os.environ, **SINGLE_THREAD}, capture_output=True, text=True)
    if proc.returncode:
        tail = "\n".join(proc.stderr.strip().splitlines()[-8:])
        print(f"\n{STAGES.get(stage, stage)} failed:\n{tail}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


_QUANTULUM_SCRIPT = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
from quantulum3 import parser
bodies = json.load(open(sys.argv[1]))
parser.parse("warm up: 3 km")
start = time.perf_counter()
found = sum(len(parser.parse(body)) for body in bodies)
print(json.dumps({"seconds": time.perf_counter() - start, "quantities": found}))
"""


def _quantulum(texts: Path, folder: Path) -> dict | str:
    """quantulum3 on the first articles of the same texts, in its own environment (without its
    classifier, whose pickle does not load with current scikit-learn); the reason if it cannot run."""
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        made = subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], capture_output=True, text=True)
        if made.returncode:
            return f"could not create {BENCH_VENV}: {made.stderr.strip()[-300:]}"
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            str(BENCH_REQUIREMENTS),
        ],
        capture_output=True,
        text=True,
    )
    if installed.returncode:
        return f"could not install {BENCH_REQUIREMENTS.name}: {installed.stderr.strip()[-300:]}"
    import pandas as pd

    sample = folder / "quantulum-sample.json"
    bodies = pd.read_parquet(texts, columns=["text"])["text"].head(QUANTULUM_ARTICLES).tolist()
    sample.write_text(json.dumps(bodies), encoding="utf-8")
    command = [str(python), "-c", _QUANTULUM_SCRIPT, str(sample)]
    if hasattr(os, "sched_getaffinity"):
        command = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *command]
    proc = subprocess.run(command, env={**os.environ, **SINGLE_THREAD}, capture_output=True, text=True)
    if proc.returncode:
        return f"quantulum3 failed: {proc.stderr.strip()[-300:]}"
    return {**json.loads(proc.stdout.strip().splitlines()[-1]), "articles": len(bodies)}


def _report_figures(figures: dict | None, quantulum: dict | str, scale: int) -> None:
    if figures is None:
        return
    articles = min(scale, FIGURE_ARTICLES)
    rate = articles / figures["seconds"]
    verdict = "MET" if rate >= FIGURE_TARGET else "NOT MET"
    print(f"target: figure extraction >= {FIGURE_TARGET} articles/s on one core: {rate:,.0f}/s, {verdict}")
    if isinstance(quantulum, str):
        print(f"quantulum3 not measured: {quantulum}")
        return
    theirs = quantulum["articles"] / quantulum["seconds"]
    verdict = "MET" if rate / theirs >= QUANTULUM_TARGET_RATIO else "NOT MET"
    print(
        f"quantulum3 0.10.0 (no classifier) on the first {quantulum['articles']} of the same articles: "
        f"{theirs:,.1f}/s ({quantulum['quantities']:,} quantities); ours is {rate / theirs:,.0f}x "
        f"(target >= {QUANTULUM_TARGET_RATIO}x): {verdict}"
    )


REUSE_SIZES = (1_000, 10_000)  # and SCALE when larger
REUSE_TARGET = {"seconds": 120, "peak_mb": 4_000, "recall": 0.99}  # at 100,000 articles, on 2 cores
REUSE_STAGES = ("reuse", "reuse+baseline", "reuse-cluster")
REUSE_WORKERS = 2  # this machine's cores: the size the 100,000-article target is set for


def _report_reuse(scale: int) -> bool:
    """Reuse detection at 1,000, 10,000 (and SCALE) articles, each in its own process: pinned to one
    core, and at SCALE also on a LocalCluster of REUSE_WORKERS workers."""
    sizes = sorted({*REUSE_SIZES, scale} if scale > max(REUSE_SIZES) else set(REUSE_SIZES))
    print(
        "\nreuse: 40-word passages planted between known pairs (one per 20 articles), generated in a "
        "process of their own; peak RSS of shared_passages with the corpus in memory, on a cluster the "
        "sum over the process and its workers; align_sentences runs after it, on the tokens it made"
    )
    print(
        f"{'articles':>9}  {'run on':>10}  {'shared_passages s':>17}  {'recall':>6}  {'false pairs':>11}  "
        f"{'peak RSS MB':>11}  {'align_sentences s':>17}  {'all-pairs cosine s':>18}"
    )
    runs = [(size, "reuse+baseline" if size <= max(REUSE_SIZES) else "reuse") for size in sizes]
    if scale > max(REUSE_SIZES):
        runs.append((scale, "reuse-cluster"))
    planted: dict[int, tuple[Path, Path]] = {}
    with tempfile.TemporaryDirectory(prefix="newscompare-reuse-") as tmp:
        for size in sizes:
            planted[size] = (Path(tmp) / f"articles-{size}.parquet", Path(tmp) / f"planted-{size}.parquet")
            if _run("plant", size, *planted[size]) is None:
                return False
        return _reuse_rows(runs, planted)


def _reuse_rows(runs: list[tuple[int, str]], planted: dict[int, tuple[Path, Path]]) -> bool:
    """Run and print each reuse measurement; whether all of them ran."""
    ok = True
    for size, stage in runs:
        r = _run(stage, size, *planted[size])
        if r is None:
            ok = False
            continue
        all_pairs = f"{r['all_pairs_seconds']:>18.1f}" if "all_pairs_seconds" in r else f"{'-':>18}"
        where = f"{REUSE_WORKERS} workers" if stage == "reuse-cluster" else "1 core"
        print(
            f"{size:>9,}  {where:>10}  {r['seconds']:>17.1f}  {r['recall']:>6.3f}  {r['false_pairs']:>11}  "
            f"{r['peak_mb']:>11.0f}  {r['align_seconds']:>17.1f}  {all_pairs}",
            flush=True,
        )
        if size == 100_000 and stage == "reuse-cluster":
            met = all(
                (
                    r["seconds"] <= REUSE_TARGET["seconds"],
                    r["peak_mb"] <= REUSE_TARGET["peak_mb"],
                    r["recall"] >= REUSE_TARGET["recall"],
                )
            )
            verdict = "MET" if met else "NOT MET"
            print(f"target at 100,000 on {REUSE_WORKERS} cores: <= 120 s, <= 4 GB, recall >= 0.99: {verdict}")
    return ok


def _bench(scale: int, fmt: str) -> int:
    with tempfile.TemporaryDirectory(prefix="newscompare-bench-") as tmp:
        corpus = Path(tmp) / f"corpus{SUFFIXES[fmt]}"
        texts = corpus if fmt == "parquet" else Path(tmp) / "texts.parquet"
        size = _run("generate", scale, corpus, texts)
        if size is None:
            return 1
        print(
            f"corpus: {scale:,} articles, {size['words']:,} words, {size['text_mb']:.1f} MB of text "
            f"({fmt}: {size['disk_mb']:.1f} MB on disk), generated in {size['seconds']:.1f} s, seed {SEED}",
            flush=True,
        )
        results = {stage: _run(stage, scale, corpus, texts) for stage in STAGES}
        quantulum = _quantulum(texts, Path(tmp))

    text_mb = size["text_mb"]
    width = max(map(len, STAGES.values()))
    print(f"\n{'stage':<{width}}  {'seconds':>8}  {'MB/s':>7}  {'peak RSS MB':>11}  {'RSS growth MB':>13}")
    for stage, label in STAGES.items():
        r = results[stage]
        if r is None:
            print(f"{label:<{width}}  {'failed':>8}")
            continue
        print(
            f"{label:<{width}}  {r['seconds']:>8.2f}  {text_mb / r['seconds']:>7.1f}  "
            f"{r['peak_mb']:>11.0f}  {r['growth_mb']:>13.0f}"
        )
        if r["rows"] not in (None, scale, min(scale, FIGURE_ARTICLES)):
            print(f"  warning: {r['rows']:,} articles loaded, {scale:,} written")

    target = results[TARGET_STAGE]
    if target is None:
        verdict = "not measured"
    else:
        verdict = "MET" if text_mb / target["seconds"] >= TARGET_MB_S else "NOT MET"
    print(f"\ntarget: load + clean + tokenize >= {TARGET_MB_S:g} MB/s on one core: {verdict}")
    if results["terms"] and results["tfidf"]:
        ratio = results["terms"]["seconds"] / results["tfidf"]["seconds"]
        verdict = "MET" if ratio <= TERMS_TARGET_RATIO else "NOT MET"
        print(
            f"target: TF-IDF + keyness <= {TERMS_TARGET_RATIO:g}x the plain TfidfVectorizer: "
            f"{ratio:.2f}x, {verdict} (loading excluded; unigrams + bigrams against its unigrams)"
        )
    _report_figures(results["figures"], quantulum, scale)
    print(
        "MB/s = UTF-8 MB of article bodies / seconds; peak RSS = ru_maxrss of the stage's own "
        "process, RSS growth = its rise during the timed call"
    )
    reuse_ok = _report_reuse(scale)
    return 1 if None in results.values() or not reuse_ok else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000, help="articles to generate (default 10000)")
    parser.add_argument("--format", choices=SUFFIXES, default="parquet", help="corpus file format")
    parser.add_argument(
        "--stage", choices=["generate", "plant", *REUSE_STAGES, *STAGES], help=argparse.SUPPRESS
    )
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        _child(args.stage, args.scale, args.corpus, args.texts)
        return 0
    return _bench(args.scale, args.format)


if __name__ == "__main__":
    sys.exit(main())
