# test_wp_slug.py: the slug functions of tests/gen/wp_export.py (its port of WordPress's
# sanitize_title / sanitize_title_with_dashes / remove_accents / wp_unique_post_slug and the
# author nicename) against values worked out by hand from WordPress's algorithm: accents to
# ASCII, mb_strtolower, UTF-8 as lowercase %xx octets cut at 200 bytes, dashes and spaces to "-",
# quotes and zero-width characters dropped, entities and other punctuation removed. The large
# export tests trust this port, so it must be right on its own.
import importlib.util
import os

import pytest

from conftest import SOURCE


@pytest.fixture(scope="module")
def wp():
    path = os.path.join(SOURCE, "tests", "gen", "wp_export.py")
    spec = importlib.util.spec_from_file_location("wp_export", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("title, slug", [
    ("Hello World!", "hello-world"),
    ("Café crème", "cafe-creme"),                   # remove_accents
    ("Straße", "strase"),                           # ß is "s" outside the German locales
    ("Ærøskøbing", "aeroskobing"),                  # Æ -> AE, ø -> o
    ("İstanbul", "istanbul"),                       # İ -> I before lowercasing
    ("Київ", "%d0%ba%d0%b8%d1%97%d0%b2"),           # к и ї в
    ("Θάλασσα", "%ce%b8%ce%ac%ce%bb%ce%b1%cf%83%cf%83%ce%b1"),
    ("東京", "%e6%9d%b1%e4%ba%ac"),                  # U+6771 U+4EAC
    ("👩‍💻 code", "%f0%9f%91%a9%f0%9f%92%bb-code"),  # the zero-width joiner is dropped
    ("Don’t stop — now", "dont-stop-now"),          # curly quote dropped, em dash -> "-"
    ("3.5 reasons", "3-5-reasons"),                 # "." -> "-"
    ("50% off", "50-off"),                          # a "%" that is no octet goes
    ("Rock & Roll", "rock-roll"),                   # punctuation goes
    ("Tom &amp; Jerry", "tom-jerry"),               # entities go
    ("9×9", "9x9"),                                 # the multiplication sign -> "x"
    ("<b>Bold</b> title", "bold-title"),            # tags go
    ("non\u00a0breaking", "non-breaking"),          # no-break space -> "-"
    ("  --Trim me--  ", "trim-me"),
    ("a%C3%A9b", "a%c3%a9b"),                       # octets are kept, lowercased
])
def test_sanitize_title(wp, title, slug):
    assert wp.sanitize_title(title) == slug


def test_sanitize_title_cuts_at_200_bytes_between_characters(wp):
    # "а" (U+0430) is %d0%b0, six bytes encoded: 33 fit in 200, the 34th would not
    assert wp.sanitize_title("а" * 70) == "%d0%b0" * 33
    assert wp.sanitize_title("x" * 250) == "x" * 200


def test_sanitize_title_fallback(wp):
    assert wp.sanitize_title("!!!", "untitled") == "untitled"
    assert wp.sanitize_title("“”", "") == ""


def test_unique_slug(wp):
    assert wp.unique_slug("a", set()) == "a"
    assert wp.unique_slug("a", {"a"}) == "a-2"
    assert wp.unique_slug("a", {"a", "a-2"}) == "a-3"
    assert wp.unique_slug("feed", set()) == "feed-2"          # a feed name
    assert wp.unique_slug("embed", set()) == "embed-2"
    assert wp.unique_slug("2019", set()) == "2019"            # a post after the day: fine
    assert wp.unique_slug("2019", set(), True) == "2019-2"    # a page: looks like a page number
    assert wp.unique_slug("page3", set(), True) == "page3-2"
    long = "%d0%b0" * 33 + "xy"              # 200 bytes: cut to 198 (whole characters) + "-2"
    assert wp.unique_slug(long, {long}) == "%d0%b0" * 33 + "-2"


@pytest.mark.parametrize("login, nicename", [
    ("j.doe", "j-doe"), ("o.brien-k", "o-brien-k"), ("dalia_h", "dalia_h"),
    ("sato@tokyo", "satotokyo"), ("Admin", "admin"), ("José", "jose"),
])
def test_user_nicename(wp, login, nicename):
    assert wp.user_nicename(login) == nicename


def test_new_york_offsets(wp):
    import datetime
    # 2019: daylight time from March 10 02:00 to November 3 02:00
    assert wp.ny_offset_hours(datetime.datetime(2019, 3, 10, 1, 59)) == -5
    assert wp.ny_offset_hours(datetime.datetime(2019, 3, 10, 3, 0)) == -4
    assert wp.ny_offset_hours(datetime.datetime(2019, 11, 3, 1, 0)) == -4
    assert wp.ny_offset_hours(datetime.datetime(2019, 11, 3, 2, 0)) == -5
    assert wp.to_gmt(datetime.datetime(2019, 1, 5, 21, 30)) == datetime.datetime(2019, 1, 6,
                                                                                 2, 30)


def test_generator_is_deterministic(wp, tmp_path):
    a = wp.generate(120, 7, str(tmp_path / "a.xml"))
    b = wp.generate(120, 7, str(tmp_path / "b.xml"))
    assert a == b
    assert (tmp_path / "a.xml").read_bytes() == (tmp_path / "b.xml").read_bytes()
    c = wp.generate(120, 8, str(tmp_path / "c.xml"))
    assert c != a
