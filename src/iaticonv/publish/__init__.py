"""Publishing IATI files to the registry through the Register Your Data API.

``payload`` turns a file into dataset metadata, ``client`` talks to the API, ``gate`` refuses
invalid files, ``history`` logs what was published, ``publish`` runs the whole sequence.
"""

from __future__ import annotations

from .client import DEFAULT_REGISTRY, TOKEN_MESSAGE, RegistryClient, RegistryRejected
from .history import PublicationRecord, file_state, latest_records
from .payload import FileFacts, Payload, build_payload, read_file_facts
from .publish import PublishRefused, PublishRequest, PublishResult, load_token, publish
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_REGISTRY",
    "TOKEN_MESSAGE",
    "FileFacts",
    "Payload",
    "PublicationRecord",
    "PublishRefused",
    "PublishRequest",
    "PublishResult",
    "RegistryClient",
    "RegistryRejected",
    "RetryPolicy",
    "build_payload",
    "file_state",
    "latest_records",
    "load_token",
    "publish",
    "read_file_facts",
]
