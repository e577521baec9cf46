"""Reading back the markup the charts and pages make, as XML: a chart that is not well-formed
fails to parse."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    """``markup`` as an XML tree. It is Berkas's own output in a test, not untrusted input:
    the standard library's parser is the point (it refuses anything ill-formed)."""
    return ET.fromstring(markup)  # noqa: S314
