"""A fake camera for Chromium: a Y4M video whose every frame shows one picture."""

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480


def video_of(png: bytes, path: Path, frames: int = 5) -> Path:
    """Write ``png``, centred on white, as ``frames`` frames of 4:2:0 Y4M at ``path``."""
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    picture.thumbnail((HEIGHT - 40, HEIGHT - 40))
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
    canvas.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    luma, blue, red = canvas.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    frame = b"".join([luma.tobytes(), blue.resize(half).tobytes(), red.resize(half).tobytes()])
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"".join(b"FRAME\n" + frame for _ in range(frames)))
    return path
