"""One writer for every file: whole or not at all. A full disk (ENOSPC injected where the bytes
are written) leaves the old file as it was and the message says so; output paths are checked
before any computing; files that belong together are renamed together."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from support.errors import one_line_error, run_main

import cruxnet.base.writer as writer
from cruxnet.base.errors import SpecError, WriteError


def _disk_full(monkeypatch: pytest.MonkeyPatch, after: int = 1000) -> None:
    """The disk fills after ``after`` bytes of the next write."""
    real = writer._write_synced

    def full(tmp: Path, data: bytes) -> None:
        real(tmp, data[:after])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer, "_write_synced", full)


def test_a_full_disk_leaves_the_old_file_whole(tmp_path, monkeypatch) -> None:
    old = tmp_path / "page.html"
    old.write_text("<html>old, working</html>")
    _disk_full(monkeypatch)
    with pytest.raises(WriteError, match=r"No space left on device.*old file is unchanged"):
        writer.write_atomic(old, "<html>" + "x" * 5000 + "</html>")
    assert old.read_text() == "<html>old, working</html>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]  # no temporary left
    new = tmp_path / "new.svg"
    with pytest.raises(WriteError, match="no file was written"):
        writer.write_atomic(new, "x" * 5000)
    assert not new.exists()


def test_files_that_belong_together_change_together(tmp_path, monkeypatch) -> None:
    a, b = tmp_path / "report.html", tmp_path / "report.md"
    a.write_text("old html")
    b.write_text("old md")
    real = writer._write_synced
    calls = []

    def second_fails(tmp: Path, data: bytes) -> None:
        calls.append(tmp)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real(tmp, data)

    monkeypatch.setattr(writer, "_write_synced", second_fails)
    with pytest.raises(WriteError, match="unchanged"):
        writer.write_many([(a, "new html"), (b, "new md")])
    assert (a.read_text(), b.read_text()) == ("old html", "old md")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.md"]
    monkeypatch.setattr(writer, "_write_synced", real)
    writer.write_many([(a, "new html"), (b, "new md")])
    assert (a.read_text(), b.read_text()) == ("new html", "new md")
    assert oct(a.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_export_on_a_full_disk_says_the_old_file_is_kept(tmp_path, monkeypatch, capsys) -> None:
    out = tmp_path / "net.bif"
    out.write_text("network old { }\n")
    _disk_full(monkeypatch, after=100)
    rc, _, err = run_main(capsys, "export", "-m", "carlsmith_2021", "-f", "bif", "-o", str(out))
    one_line_error(rc, err, str(out), "No space left on device", "the old file is unchanged")
    assert out.read_text() == "network old { }\n"


@pytest.mark.parametrize("command", [
    ["explore", "--no-draws", "--out", "{missing}/x.html"],
    ["show", "--out", "{missing}/x.svg"],
    ["export", "-f", "bif", "-o", "{missing}/x.bif"],
    ["sensitivity", "catastrophe", "--draws", "0", "--plot", "{missing}/t.png"],
    ["sensitivity", "catastrophe", "--draws", "0", "--plot", "{tmp}"],
    ["sensitivity", "catastrophe", "--draws", "0", "--plot", "{tmp}/t.bmp"],
    ["report", "--out", "{file}"],
])
def test_output_paths_are_checked_before_any_work(command, tmp_path, monkeypatch, capsys) -> None:
    """Each refusal comes before the model is even loaded (loading is made to fail loudly)."""
    import cruxnet.catalog

    def no_work(*a, **k):
        raise AssertionError("the work started before the output path was checked")

    monkeypatch.setattr(cruxnet.catalog, "load_network", no_work)
    monkeypatch.setattr(cruxnet.catalog, "load_model", no_work)
    (tmp_path / "afile").write_text("")
    args = [a.format(missing=tmp_path / "missing", tmp=tmp_path, file=tmp_path / "afile")
            for a in command]
    rc, _, err = run_main(capsys, *args)
    one_line_error(rc, err)
    assert any(w in err for w in ("does not exist", "folder", "unknown picture format",
                                  "not a folder")), err


def test_plot_without_an_extension_names_the_file_it_wrote(tmp_path, capsys) -> None:
    rc, _, err = run_main(capsys, "sensitivity", "catastrophe", "-m", "carlsmith_2021",
                          "--draws", "0", "--plot", str(tmp_path / "tornado"))
    assert rc == 0, err
    assert (tmp_path / "tornado.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {tmp_path / 'tornado.png'}" in err


def test_a_torn_interview_pair_is_told_on_the_next_read(tmp_path) -> None:
    """The view names the answers it was made from (sha256); answers that changed without the
    view (a revision killed between the two renames) are refused with what to do."""
    from cruxnet.catalog import load_model
    from cruxnet.files.worldview import load_worldview, text_sha256

    spec = load_model("crux_network").spec
    records = "elicitation: mine\nmodel: crux_network\n"
    (tmp_path / "mine.elicit.yaml").write_text(records)
    view = tmp_path / "mine.yaml"
    view.write_text("worldview: mine\nmodel: crux_network\nextends: gs_deference\n"
                    f"answers: {{file: mine.elicit.yaml, sha256: {text_sha256(records)}}}\n")
    assert load_worldview(view, spec).name == "mine"
    (tmp_path / "mine.elicit.yaml").write_text(records + "# newer answers\n")
    with pytest.raises(SpecError, match=r"disagree.*--interview --out mine"):
        load_worldview(view, spec)
    (tmp_path / "mine.elicit.yaml").unlink()
    with pytest.raises(SpecError, match="missing"):
        load_worldview(view, spec)


def test_outputs_that_are_not_what_the_command_writes_are_refused(tmp_path, capsys) -> None:
    """An output over a file the answer is made from, a folder name ending in '/', a file name
    whose extension says another format: refused before any work. `-o -` is standard output."""
    from support.models import write_tiny

    model = write_tiny(tmp_path)
    before = model.read_text()
    for args, needle in (
            (["show", "-m", str(model), "--out", str(model)], "picture is written as .svg"),
            (["show", "-m", str(model), "--out", str(tmp_path / "x.svg")], None),
            (["export", "-m", str(model), "-f", "bif", "-o", str(model)],
             "over a file it is made from"),
            (["explore", "--no-draws", "-m", str(model), "--out", f"{tmp_path}/newdir/"],
             "give a file name"),
            (["show", "-m", str(model), "--out", str(tmp_path / "x.png")], "written as .svg"),
            (["explore", "--no-draws", "-m", str(model), "--out", str(tmp_path / "e.svg")],
             "written as .html or .htm")):
        rc, _, err = run_main(capsys, *args)
        if needle is None:
            assert rc == 0, err
        else:
            one_line_error(rc, err, needle)
    assert model.read_text() == before and not (tmp_path / "newdir").exists()
    rc, out, err = run_main(capsys, "export", "-m", str(model), "-f", "bif", "-o", "-")
    assert rc == 0 and out.startswith("network") and not Path("-").exists(), err
