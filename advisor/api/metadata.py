"""What OPTIONS answers (DEFAULT_METADATA_CLASS).

Its own module, importing nothing of the API: DRF imports it while defining APIView itself.
"""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class Metadata(SimpleMetadata):
    """OPTIONS answers: name, description, media types; no per-field "actions".

    The OpenAPI document already describes every body. DRF's field listing would also need
    a serializer on every view, and the assessment views validate through the engine instead.
    """

    def determine_actions(self, request: Request, view: Any) -> dict[str, Any]:
        return {}

    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata
