"""Pure text tools for Athar: canonical text, offsets, direction, spans, matching, dates.

Everything here is plain Python (stdlib + ``regex`` + ``pyahocorasick``) and must not import
Django. All offsets are **code points** into the canonical text, half-open ``[start, end)``,
unless a name says otherwise (``*_u16`` = UTF-16 code units, as the browser counts).
"""
