"""Recognition use cases: plain async functions over the ports in `ports`, no HTTP and no Kafka client."""

from anpr_recognition.handlers.close_passages import publish_closed_passages
from anpr_recognition.handlers.ports import FrameStores, ReadPlates, ReadRules, ReadsOut
from anpr_recognition.handlers.recognise import recognise_frame

__all__ = ["FrameStores", "ReadPlates", "ReadRules", "ReadsOut", "publish_closed_passages", "recognise_frame"]
