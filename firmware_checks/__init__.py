"""Talk to drone flight controllers (Betaflight, INAV) over MSP and the CLI.

Check them at a bench.
"""

from pathlib import Path

# Data files that ship inside the package, found next to this file (a checkout, an install,
# a Windows bench laptop alike).
EXAMPLES_DIR = Path(__file__).parent / "examples"  # limits.toml, golden-diff.txt
