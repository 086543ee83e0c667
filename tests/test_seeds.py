"""The seeds are immutable, and their metadata is complete and evidence-based."""

import hashlib
from pathlib import Path

import pandas as pd

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_every_seed_matches_its_checksum() -> None:
    manifest = dict(
        reversed(line.split(maxsplit=1)) for line in (SEEDS / "SHA256SUMS").read_text().splitlines()
    )
    files = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert files == sorted(manifest), "a seed file was added or removed"
    for name, digest in manifest.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, f"{name} changed"


def test_metadata_covers_every_seed_with_evidence() -> None:
    metadata = pd.read_csv(SEEDS / "metadata.csv", dtype=str, keep_default_na=False)
    assert list(metadata.columns) == ["file", "outlet", "outlet_evidence", "headline", "published", "url"]
    assert sorted(metadata["file"]) == sorted(p.name for p in SEEDS.glob("*.txt"))
    for row in metadata.itertuples():
        assert row.outlet_evidence, f"{row.file}: every attribution (or its absence) needs evidence"
        if row.outlet != "unknown":
            # Evidence quotes words that stand in the article itself.
            quoted = row.outlet_evidence.split('"')[1]
            assert quoted in (SEEDS / row.file).read_text(encoding="utf-8"), row.file
    assert (metadata["outlet"] == "unknown").sum() == 2
