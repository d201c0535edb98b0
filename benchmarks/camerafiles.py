"""Camera-like JPEGs for the media benchmarks: 12-24 MP, 3-6 MB each, with real-looking detail and EXIF.

What decides how a real photo behaves in a scan or a thumbnail is its size in pixels and bytes
and how much detail the encoder had to keep. A flat colour or a gradient compresses to a few
hundred kB and flatters every figure; pure noise is big but unlike any photo. These pictures
are built like natural images: a 1/f ("pink") field made octave by octave from coarse to
fine, so that detail exists at every scale, colour that varies slowly across the frame,
hard-edged shapes standing in for objects, and a little sensor noise. Each file carries the
EXIF a camera writes (make, model, date taken, orientation, exposure, lens) and, like a
camera's, is encoded at quality 92 with 4:2:0 chroma.

They are made once into a cache folder (``--cache``; by default under the system temp
folder, never in the repository) and reused. Run as a script to make them and print their sizes.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

DEFAULT_CACHE = Path(tempfile.gettempdir()) / "galleryk-bench-camera"
SIZES = ((4000, 3000), (4608, 3456), (5184, 3888), (6000, 4000))
"""12, 16, 20 and 24 MP, as phones and cameras shoot."""
CAMERAS = (
    ("Canon", "Canon EOS R6"),
    ("NIKON CORPORATION", "NIKON Z 6_2"),
    ("SONY", "ILCE-7M4"),
    ("FUJIFILM", "X-T5"),
    ("Apple", "iPhone 15 Pro"),
)
QUALITY = 92


def roughness(width: int, height: int, seed: int = 3) -> float:
    """How much each finer octave keeps of the coarser one's strength (more: more fine detail, more bytes).

    Less for bigger frames, as a scene spreads over more pixels, and a little more or less from
    one picture to the next: files land between about 3.5 and 6 MB whatever the size.
    """
    jitter = 0.06 * ((seed % 7) / 6 - 0.5)
    return ROUGHNESS_12MP - ROUGHNESS_PER_MP * (width * height / 1e6 - 12) + jitter


ROUGHNESS_12MP = 0.7
ROUGHNESS_PER_MP = 0.014
NOISE = 3.0
"""Sensor noise, in levels of 255."""
VERSION = 1
"""Bumped when the pictures change, so an old cache is not reused."""


@dataclass(frozen=True)
class CameraFile:
    path: Path
    width: int
    height: int
    bytes: int


def _field(rng: np.random.Generator, width: int, height: int, roughness: float) -> np.ndarray:
    """A 1/f-like field of mean 0: coarse noise upsampled, plus finer noise at every octave."""
    w, h = max(4, width >> 7), max(3, height >> 7)
    acc = rng.standard_normal((h, w), dtype=np.float32)
    amplitude = 1.0
    while w < width or h < height:
        w, h = min(width, w * 2), min(height, h * 2)
        acc = np.asarray(Image.fromarray(acc, mode="F").resize((w, h), Image.Resampling.BICUBIC))
        amplitude *= roughness
        acc = acc + rng.standard_normal((h, w), dtype=np.float32) * amplitude
    return acc


def render(seed: int, width: int, height: int) -> Image.Image:
    """One picture: textured regions with hard edges over pink-noise light, slow colour casts, sensor noise."""
    rng = np.random.default_rng(seed)
    light = _field(rng, width, height, roughness(width, height, seed))
    light = 255.0 / (1.0 + np.exp(-light / (light.std() * 0.8)))  # a tone curve: most values mid-grey
    regions = Image.new("L", (width, height), 0)  # which object each pixel belongs to
    draw = ImageDraw.Draw(regions)
    shapes = int(rng.integers(60, 120))
    for label in range(1, shapes + 1):
        x, y = rng.integers(0, width), rng.integers(0, height)
        rx, ry = rng.integers(width // 60, width // 7), rng.integers(height // 60, height // 7)
        box = (int(x - rx), int(y - ry), int(x + rx), int(y + ry))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=label)
        else:
            draw.polygon(
                [
                    (int(x + rx * np.cos(a)), int(y + ry * np.sin(a)))
                    for a in np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(3, 8))))
                ],
                fill=label,
            )
    # each object's own brightness and (muted) colour
    gains = (rng.uniform(0.4, 1.2, (256, 1)) * rng.uniform(0.75, 1.25, (256, 3))).astype(np.float32)
    gains[0] = rng.uniform(0.85, 1.1, 3)
    cast = np.stack(
        [
            np.asarray(
                Image.fromarray(_field(rng, max(8, width >> 4), max(6, height >> 4), 0.4), mode="F").resize(
                    (width, height), Image.Resampling.BILINEAR
                )
            )
            for _ in range(3)
        ],
        axis=-1,
    )
    rgb = light[..., None] * gains[np.asarray(regions)] * (1 + 0.12 * cast / (cast.std() + 1e-6))
    rgb += rng.standard_normal(rgb.shape, dtype=np.float32) * NOISE  # sensor noise
    picture = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    return picture.filter(ImageFilter.UnsharpMask(radius=1.2, percent=50, threshold=2))


def exif_for(seed: int, width: int, height: int) -> Image.Exif:
    """What a camera writes: make, model, dates, orientation, exposure, lens, pixel size."""
    rng = np.random.default_rng(seed + 1)
    make, model = CAMERAS[seed % len(CAMERAS)]
    taken = datetime(2024, 5, 18, 9, 0, 0) + timedelta(minutes=int(seed) * 7)
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = make, model
    exif[0x0112] = (1, 1, 1, 6, 8)[seed % 5]  # mostly upright, some turned as cameras record it
    exif[0x0131], exif[0x0132] = "galleryk benchmark camera 1.0", stamp
    sub = exif.get_ifd(0x8769)
    sub[0x9003], sub[0x9004] = stamp, stamp  # DateTimeOriginal, DateTimeDigitized
    sub[0x9291] = f"{int(rng.integers(0, 1000)):03d}"  # SubSecTimeOriginal
    sub[0x829A] = 1 / float(rng.choice([60, 125, 250, 500, 1000]))  # ExposureTime
    sub[0x829D] = float(rng.choice([1.8, 2.8, 4.0, 5.6, 8.0]))  # FNumber
    sub[0x8827] = int(rng.choice([100, 200, 400, 800, 1600]))  # ISO
    sub[0x920A] = float(rng.choice([24, 35, 50, 85, 135]))  # FocalLength
    sub[0xA002], sub[0xA003] = width, height  # PixelXDimension, PixelYDimension
    sub[0xA434] = "RF24-105mm F4 L IS USM"  # LensModel
    return exif


def make_camera_files(
    count: int, cache: Path = DEFAULT_CACHE, sizes: tuple[tuple[int, int], ...] = SIZES, prefix: str = "DSC"
) -> list[CameraFile]:
    """``count`` camera-like JPEGs in ``cache``, made only if not already there (sizes taken in turn)."""
    folder = cache / f"v{VERSION}-{'-'.join(f'{w}x{h}' for w, h in sizes)}"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        width, height = sizes[i % len(sizes)]
        path = folder / f"{prefix}{i:05d}.JPG"
        if not path.exists():
            buf = io.BytesIO()
            render(1000 + i, width, height).save(
                buf, "JPEG", quality=QUALITY, subsampling="4:2:0", exif=exif_for(i, width, height)
            )
            partial = path.with_suffix(".part")
            partial.write_bytes(buf.getvalue())
            partial.replace(path)
        out.append(CameraFile(path, width, height, path.stat().st_size))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    started = time.perf_counter()
    files = make_camera_files(args.count, args.cache)
    for f in files:
        print(f"{f.path.name}  {f.width}x{f.height}  {f.width * f.height / 1e6:.0f} MP  {f.bytes / 2**20:.1f} MB")
    print(f"{len(files)} files under {files[0].path.parent} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
