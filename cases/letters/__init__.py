"""Documents Berkas issues (issue 15): their data, their layout and their PDF.

- :mod:`~cases.letters.office`: the kop surat, place, unit, number pattern (settings);
- :mod:`~cases.letters.context`: what a template is given;
- :mod:`~cases.letters.render`: the template laid out as a PDF (fpdf2), with its QR code;
- :mod:`~cases.letters.words`, :mod:`~cases.letters.latin1`, :mod:`~cases.letters.qr`:
  amounts and dates in words, text the core font prints, the verification QR code.

The use cases (issue, list, download, revoke, verify) are in :mod:`cases.services.letters`.
"""

from __future__ import annotations

from cases.letters.context import Facts, Signer, letter_context
from cases.letters.office import Office, default_office, office_of
from cases.letters.render import LetterRenderError, render_pdf

__all__ = ["Facts", "LetterRenderError", "Office", "Signer", "default_office",
           "letter_context", "office_of", "render_pdf"]
