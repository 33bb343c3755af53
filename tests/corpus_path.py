"""Where the shared corpus of public engineering workbooks is.

``EXTRACT_CORPUS`` names it; otherwise it is ``shared/corpus`` beside the
checkout. Tests that read it skip when it is not there.
"""

from __future__ import annotations

import os
from pathlib import Path

CORPUS = Path(
    os.environ.get("EXTRACT_CORPUS")
    or Path(__file__).resolve().parents[2] / "shared" / "corpus"
)
