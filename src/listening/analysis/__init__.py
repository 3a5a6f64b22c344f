"""listening.analysis: the pure compute package behind conversations' opinion maps.

numpy, scipy and scikit-learn only; never imports Django. See docs/analysis.md.
"""

from .matrix import VoteMatrix
from .opinions import OpinionResult, OpinionState, compute_opinions
from .polis_io import (
    Comment,
    PolisExport,
    PolisExportError,
    Vote,
    read_polis_export,
    write_polis_export,
)
from .routing import routing_priorities

__all__ = [
    "Comment",
    "OpinionResult",
    "OpinionState",
    "PolisExport",
    "PolisExportError",
    "Vote",
    "VoteMatrix",
    "compute_opinions",
    "read_polis_export",
    "routing_priorities",
    "write_polis_export",
]
