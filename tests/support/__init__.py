"""What the tests share: independent oracles, brute force, small models, fuzz cases."""

from pathlib import Path

#: The repository (or the unpacked sdist): the folder above tests/.
ROOT = Path(__file__).resolve().parents[2]
