"""The checked-in gallery is exactly what `graphlens gallery` draws today (byte for byte)."""

from pathlib import Path

from click.testing import CliRunner

from graphlens.cli.main import build_cli

GALLERY = Path(__file__).resolve().parents[2] / "gallery"


def test_checked_in_gallery_pictures_and_readme_are_current():
    result = CliRunner().invoke(build_cli(), ["gallery", "--check", str(GALLERY)])
    assert result.exit_code == 0, (
        "the gallery is stale; redraw it with `graphlens gallery` and commit:\n" + result.output)
    assert ", 0 out of date" in result.output
