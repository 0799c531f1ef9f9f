import io

from PIL import Image


def crop_jpeg(jpeg: bytes, box: tuple[int, int, int, int], pad: float = 0.15, quality: int = 90) -> bytes:
    """Plate close-up for evidence: the box with a margin, so the reviewer sees the plate's edges."""
    with Image.open(io.BytesIO(jpeg)) as image:
        x0, y0, x1, y1 = box
        dx, dy = (x1 - x0) * pad, (y1 - y0) * pad
        area = (
            max(0, int(x0 - dx)),
            max(0, int(y0 - dy)),
            min(image.width, int(x1 + dx)),
            min(image.height, int(y1 + dy)),
        )
        out = io.BytesIO()
        image.crop(area).convert("RGB").save(out, format="JPEG", quality=quality)
        return out.getvalue()
