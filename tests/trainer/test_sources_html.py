"""Finding images in pages: Pinterest's pinimg links (HTML and escaped JSON) and plain <img> tags."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_loop_support import board_html, pin_path

from trainer.sources.htmlimages import extract_image_urls, generic_image_urls, next_page_url, pinterest_image_urls

H1, H2, H3, H4 = ("0123456789abcdef" * 2, "a" * 32, "b" * 32, "c" * 32)


def test_board_page_yields_each_pin_once_at_736px_and_skips_avatars():
    html = board_html([H1, H2, H3, H4], next_href="/board/?page=2")
    urls = pinterest_image_urls(html)
    assert urls == [f"https://i.pinimg.com/736x/{pin_path(h)}" for h in (H1, H2, H3, H4)]
    assert not any("75x75_RS" in u for u in urls)


def test_originals_are_asked_for_as_736px_jpeg_and_a_mirror_base_is_used():
    html = '{"orig":{"url":"https:\\/\\/i.pinimg.com\\/originals\\/' + pin_path(H2, "png").replace("/", "\\/") + '"}}'
    assert pinterest_image_urls(html, "http://127.0.0.1:9") == [f"http://127.0.0.1:9/736x/{pin_path(H2)}"]
    esc = "\\u002F"
    path = pin_path(H3).replace("/", esc)
    unicode_escaped = '"url": "https:' + esc * 2 + "i.pinimg.com" + esc + "564x" + esc + path + '"'
    assert pinterest_image_urls(unicode_escaped) == [f"https://i.pinimg.com/736x/{pin_path(H3)}"]


def test_plain_pages_give_absolute_images_with_the_largest_srcset_candidate():
    html = """<html><head><meta property="og:image" content="/og.jpg"><link rel="next" href="?p=2"></head>
    <body><img src="small.jpg" srcset="small.jpg 300w, big.jpg 1200w, mid.jpg 800w">
    <img data-src="//cdn.example.org/lazy.webp"><img src="data:image/png;base64,AAAA"><img src="icon.svg">
    <picture><source srcset="pic@1x.jpg 1x, pic@2x.jpg 2x"></picture><img src="small.jpg"></body></html>"""
    urls = generic_image_urls(html, "https://example.org/gallery/")
    assert urls == ["https://example.org/og.jpg", "https://example.org/gallery/big.jpg",
                    "https://cdn.example.org/lazy.webp", "https://example.org/gallery/pic@2x.jpg",
                    "https://example.org/gallery/small.jpg"]
    assert next_page_url(html, "https://example.org/gallery/") == "https://example.org/gallery/?p=2"
    assert extract_image_urls(html, "https://example.org/gallery/") == urls  # no pins: plain images


def test_pages_without_a_next_link_or_images():
    assert next_page_url("<a href='/x'>x</a>", "http://h/") is None
    assert extract_image_urls("<p>nothing</p>", "http://h/") == []
    assert next_page_url('<a rel="next" href="javascript:alert(1)">', "http://h/") is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/\"'= imgsrcsetpinimg.com\\u002Fhttps:.jpg0a{}[]")), max_size=300))
def test_hostile_markup_never_raises(text):
    for url in extract_image_urls(text, "http://h/"):
        assert url.startswith(("http://", "https://"))
    next_page_url(text, "http://h/")
