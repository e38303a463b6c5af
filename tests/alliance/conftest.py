import sys
from pathlib import Path

# tests.alliance.synth is shared with bench/alliance.py; make the repository root importable.
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
