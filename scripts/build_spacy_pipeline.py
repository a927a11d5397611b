"""Build the spaCy pipeline the NLU uses, from code: no model download exists here.

Blank English (tokeniser) plus an entity ruler that recognises the conditions and
therapies patients name. Saved with ``nlp.to_disk`` and loaded by path from
``config.yml``. Usage: ``python scripts/build_spacy_pipeline.py OUTPUT_DIR``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tms.conditions import entity_ruler_patterns  # noqa: E402


def build(output: Path) -> Path:
    nlp = spacy.blank("en")
    nlp.meta["name"] = "tms_patient_en"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = ("Blank English tokeniser plus an entity ruler for the "
                               "conditions and therapies TMS patients name.")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(entity_ruler_patterns())
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/build_spacy_pipeline.py OUTPUT_DIR")
    path = build(Path(sys.argv[1]))
    print(f"spaCy pipeline written to {path}")
