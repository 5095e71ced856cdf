"""Pickling and deep copies of CodebookSpec, registered with copyreg.

A spec holds read-only mappings (``types.MappingProxyType``), which pickle cannot store, so a
spec is pickled (e.g. for a cache) as its canonical dict and rebuilt by parsing it. The
reducer is registered from here, not defined on the class, so that the data model does not
import the parser and the dumper that themselves import it.
"""

from __future__ import annotations

import copyreg
from typing import Any

from .dump import spec_to_dict
from .model import CodebookSpec
from .parse import parse_codebook


def spec_from_dict(data: dict[str, Any]) -> CodebookSpec:
    return parse_codebook(data)


def _reduce_spec(spec: CodebookSpec) -> tuple[Any, tuple[dict[str, Any]]]:
    return (spec_from_dict, (spec_to_dict(spec),))


copyreg.pickle(CodebookSpec, _reduce_spec)
