"""Use cases of ingest, one module each: accept a frame, accept reads (one or a batch), manage locations,
placements and camera tokens, count and report camera health."""

from anpr_ingest.handlers.camera_health import (
    HealthReport,
    camera_health,
    health_report,
    note_frame,
    purge_health,
)
from anpr_ingest.handlers.camera_tokens import IssuedToken, identify_sender, issue_token, revoke_token, tokens_of_camera
from anpr_ingest.handlers.frames import AcceptFrame, FrameLimits, FramePorts, accept_frame, receive_frame
from anpr_ingest.handlers.locations import amend_location
from anpr_ingest.handlers.placements import end_placement, place_camera, placement_history
from anpr_ingest.handlers.read_batches import accept_reads
from anpr_ingest.handlers.reads import ReadPorts, accept_read, stamp_read
from anpr_ingest.handlers.sites import find_location, known_camera

__all__ = [
    "AcceptFrame",
    "FrameLimits",
    "FramePorts",
    "HealthReport",
    "IssuedToken",
    "ReadPorts",
    "accept_frame",
    "accept_read",
    "accept_reads",
    "amend_location",
    "camera_health",
    "end_placement",
    "find_location",
    "health_report",
    "identify_sender",
    "issue_token",
    "known_camera",
    "note_frame",
    "place_camera",
    "placement_history",
    "purge_health",
    "receive_frame",
    "revoke_token",
    "stamp_read",
    "tokens_of_camera",
]
