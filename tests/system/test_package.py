"""The package as people install, cite and read it (issue 16, item 6): the version in one
place, the licence in the repository and in both distributions, and an sdist that carries its
tests."""

from __future__ import annotations

import email
import re
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from support import ROOT

import cruxnet

sys.path.insert(0, str(ROOT / "scripts"))

from build_description import description


def _extract(tar: tarfile.TarFile, dest: Path) -> None:
    """Extract our own sdist safely on every Python 3.11: tarfile's ``filter`` argument arrived
    in 3.11.4 (Debian 12 ships 3.11.2), so without it each member is checked here instead."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(dest, filter="data")
        return
    for m in tar.getmembers():
        parts = Path(m.name).parts
        assert (m.isfile() or m.isdir()) and not Path(m.name).is_absolute() and ".." not in parts, \
            f"unexpected member in the sdist: {m.name}"
    import warnings

    with warnings.catch_warnings():  # 3.12+ would ask for a filter; every member is checked
        warnings.simplefilter("ignore", DeprecationWarning)
        tar.extractall(dest)


def test_extract_without_the_filter_argument(tmp_path, monkeypatch) -> None:
    """The 3.11.2 path (no ``tarfile.data_filter``) extracts a good archive and refuses a
    member that climbs out of the folder."""
    import io

    def archive(name: str) -> Path:
        path = tmp_path / f"{len(list(tmp_path.iterdir()))}.tar.gz"
        with tarfile.open(path, "w:gz") as tar:
            info = tarfile.TarInfo(name)
            info.size = 2
            tar.addfile(info, io.BytesIO(b"ok"))
        return path

    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    good = archive("pkg/a.txt")
    with tarfile.open(good) as tar:
        _extract(tar, tmp_path / "out")
    assert (tmp_path / "out" / "pkg" / "a.txt").read_text() == "ok"
    with tarfile.open(archive("../escape.txt")) as tar, pytest.raises(AssertionError):
        _extract(tar, tmp_path / "out2")
    assert not (tmp_path / "escape.txt").exists()


def test_version_everywhere() -> None:
    v = metadata.version("cruxnet")
    assert cruxnet.__version__ == v
    out = subprocess.run([sys.executable, "-m", "cruxnet", "--version"], capture_output=True,
                         text=True, timeout=60, check=True).stdout.strip()
    assert out == f"cruxnet {v}"
    assert f"version: {v}" in (ROOT / "CITATION.cff").read_text()
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    assert (ROOT / "CHANGELOG.md").read_text().startswith("# Changelog")


@pytest.mark.slow
def test_distributions_carry_the_licence_and_the_sdist_its_tests(tmp_path) -> None:
    import os
    import warnings

    from setuptools import build_meta  # the build backend pyproject.toml names

    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with warnings.catch_warnings():  # setuptools' notices about its own configuration
            warnings.simplefilter("ignore")
            sdist = tmp_path / build_meta.build_sdist(str(tmp_path))
            wheel = tmp_path / build_meta.build_wheel(str(tmp_path))
    finally:
        os.chdir(cwd)
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    # Every test folder (unit/ by package, oracles/, system/, support/) and the tests' data.
    for needed in ("LICENSE", "pyproject.toml", "Makefile", "tests/__init__.py",
                   "tests/conftest.py", "tests/unit/inference/test_marginals.py",
                   "tests/oracles/test_properties.py", "tests/system/test_package.py",
                   "tests/support/models.py", "tests/js/explorer_numbers.test.mjs",
                   "tests/fuzz_corpus/manifest.json", "tests/data/seed_9grams.bin",
                   "notebooks/01_querying_the_crux_network.ipynb",
                   "cruxnet/data/crux_network/model.yaml"):
        assert needed in names, needed
    # The sdist's tests run from it: its own code, its own test data, no repository beside it.
    with tarfile.open(sdist) as tar:
        _extract(tar, tmp_path / "src")
    (top,) = (tmp_path / "src").iterdir()
    env = {**os.environ, "PYTHONPATH": str(top)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           # the package's own source, its model files and forms, and its
                           # test data (the seeds' fingerprint) and shared test helpers
                           "tests/unit/test_layers.py", "tests/unit/model/test_forms.py",
                           "tests/unit/model/test_specs.py::"
                           "test_node_texts_paraphrase_rather_than_paste_the_seeds"],
                          cwd=top, env=env, capture_output=True, text=True, timeout=900,
                          check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " passed" in proc.stdout
    with zipfile.ZipFile(wheel) as zf:
        wnames = zf.namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wnames), wnames[-8:]
    assert "cruxnet/data/crux_network/worldviews/gs_deference.yaml" in wnames
    assert not any(n.startswith("tests/") for n in wnames)
    # What PyPI shows: the README with no picture or file link that needs files beside it.
    with zipfile.ZipFile(wheel) as zf:
        (meta,) = [n for n in wnames if n.endswith(".dist-info/METADATA")]
        message = email.message_from_string(zf.read(meta).decode("utf-8"))
    assert message["Description-Content-Type"] == "text/markdown"
    body = message.get_payload()
    assert body.strip() == description((ROOT / "README.md").read_text()).strip()
    assert "cruxnet report" in body and "docs/network.png" in body
    assert not re.search(r"!\[[^\]]*\]\((?![a-z]+:)", body), "a relative picture on PyPI"
    assert not re.search(r"\]\((?![a-z]+:|#)", body), "a relative link on PyPI"


def test_description_is_the_readme_spelled_out() -> None:
    """docs/description.md is README.md with relative pictures and file links turned to text
    (`python scripts/build_description.py` rewrites it); absolute ones are kept."""
    assert (ROOT / "docs" / "description.md").read_text() == description(
        (ROOT / "README.md").read_text()), "run python scripts/build_description.py"
    text = description("![a cat](docs/cat.png) ![b](https://x.org/b.png) [nb](notebooks/1.ipynb)"
                       " [web](https://x.org) [here](#here)")
    assert "![a cat]" not in text and "`docs/cat.png`" in text
    assert "![b](https://x.org/b.png)" in text and "nb (`notebooks/1.ipynb`)" in text
    assert "[web](https://x.org)" in text and "[here](#here)" in text


def test_runtime_dependencies_are_what_the_package_imports() -> None:
    """pyproject's dependencies (plus the optional pyagrum extra) are exactly the third-party
    modules cruxnet imports, found by reading every import in its source."""
    import ast
    import tomllib

    stdlib = set(sys.stdlib_module_names)
    used = set()
    for f in (ROOT / "cruxnet").rglob("*.py"):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0
                     and node.module else [])
            used |= {n.split(".")[0] for n in names}
    used -= stdlib | {"cruxnet"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    import re

    def dist(req: str) -> str:
        return re.split(r"[<>=!\[ ]", req, maxsplit=1)[0].lower()

    declared = {dist(r) for r in project["dependencies"]}
    optional = {dist(r) for r in project["optional-dependencies"]["pyagrum"]}
    module_to_dist = {"yaml": "pyyaml", "SALib": "salib"}
    needed = {module_to_dist.get(m, m).lower() for m in used}
    assert needed - optional == declared, (sorted(needed - optional), sorted(declared))
