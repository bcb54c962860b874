from __future__ import annotations

import pytest
from PIL import ImageFont

from stickerstudio_desktop.config.paths import bundled
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.sticker.fonts import DEFAULT_FONT, EMOJI_FONT, coverage, list_fonts, read_cmap, resolve_font


def test_at_least_five_families_are_bundled_with_licences():
    fonts = list_fonts()
    assert len({f.name for f in fonts}) >= 5
    licences = bundled("fonts", "LICENSES.md").read_text(encoding="utf-8")
    for font in fonts + [EMOJI_FONT]:
        assert font.path.is_file()
        assert font.license == "OFL-1.1"
        assert f"`{font.file}`" in licences and font.package in licences
    assert "SIL OPEN FONT LICENSE Version 1.1" in bundled("fonts", "OFL.txt").read_text(encoding="utf-8")


def test_family_names_match_the_files():
    for font in list_fonts():
        family, _ = ImageFont.truetype(str(font.path), 20).getname()
        assert family == font.name


def test_default_font_is_comic_neue():
    assert DEFAULT_FONT == "Comic Neue"
    assert resolve_font(None).name == "Comic Neue"
    assert resolve_font("").file == "ComicNeue-Bold.otf"


def test_names_resolve_case_insensitively():
    assert resolve_font("  bebas NEUE ").name == "Bebas Neue"


def test_unknown_font_lists_the_choices():
    with pytest.raises(ConfigError) as err:
        resolve_font("Comic Sans MS")
    message = str(err.value)
    assert "Comic Sans MS" in message
    for font in list_fonts():
        assert font.name in message


def test_coverage_reads_the_real_cmap():
    comic, noto = resolve_font("Comic Neue"), resolve_font("Noto Sans")
    assert ord("A") in coverage(comic) and ord("Ж") not in coverage(comic)
    assert ord("Ж") in coverage(noto) and ord("€") in coverage(noto)
    assert 0x1F600 in coverage(EMOJI_FONT) and ord("A") not in coverage(EMOJI_FONT)


def test_damaged_font_file_is_reported(tmp_path):
    bad = tmp_path / "broken.ttf"
    bad.write_bytes(b"\x00\x01\x00\x00" + b"\xff" * 8)
    with pytest.raises(ConfigError, match="damaged"):
        read_cmap(bad)
