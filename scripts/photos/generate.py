#!/usr/bin/env python3
"""Generate realistic test photos for the SigmaDocuments benchmarks and tests.

Usage: generate.py OUTPUT_DIR

Writes (never commit them):
  photo_12mp.jpg      4032x3024 RGB JPEG, quality 92 (a phone-camera-like photo)
  photo_alpha.png     1600x1200 RGBA PNG with a transparent border
  photo_gray.jpg      3000x2000 grayscale JPEG
  photo_rotated.jpg   4032x3024 JPEG stored landscape with EXIF Orientation 6 (rotate 90 CW)
  photo_small.jpg     800x600 JPEG (below the RHITSO 500 KB threshold)
  photo_truncated.jpg the first 40 % of photo_12mp.jpg
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def natural_rgb(width, height, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    x /= width
    y /= height
    # Sky-to-ground gradient with soft colour shifts.
    r = 120 + 90 * y + 25 * np.sin(6.0 * x + 1.3)
    g = 150 + 40 * np.cos(4.0 * y + 2.0 * x) - 30 * y
    b = 210 - 120 * y + 20 * np.sin(9.0 * x * y)
    img = np.stack([r, g, b], axis=-1)
    # Low-frequency texture (upsampled noise) and fine sensor noise.
    coarse = rng.normal(0, 18, (height // 64 + 1, width // 64 + 1, 3)).astype(np.float32)
    coarse_img = Image.fromarray(np.clip(coarse + 128, 0, 255).astype(np.uint8))
    coarse_img = coarse_img.resize((width, height), Image.BICUBIC)
    img += np.asarray(coarse_img, dtype=np.float32) - 128
    img += rng.normal(0, 4, img.shape).astype(np.float32)
    base = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    # Shapes: a "device" on a desk, keys, screws, labels with text-like strokes.
    draw = ImageDraw.Draw(base)
    s = width / 4032
    draw.rounded_rectangle([600 * s, 700 * s, 3400 * s, 2500 * s], radius=int(60 * s), fill=(40, 42, 48))
    draw.rectangle([760 * s, 860 * s, 3240 * s, 2100 * s], fill=(18, 22, 30))
    for row in range(5):
        for col in range(14):
            x0 = (820 + col * 170) * s
            y0 = (2150 + row * 60) * s
            draw.rectangle([x0, y0, x0 + 150 * s, y0 + 48 * s], fill=(70 + 5 * col, 72, 78))
    for i in range(40):
        cx, cy = rng.integers(0, width), rng.integers(0, height)
        rad = int(rng.integers(8, 60) * s) + 2
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.ellipse([cx - rad, cy - rad, cx + rad, cy + rad], outline=colour, width=max(1, int(6 * s)))
    for i in range(60):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        draw.line([x0, y0, x0 + int(rng.integers(20, 400) * s), y0], fill=(240, 240, 235), width=max(1, int(4 * s)))
    return base.filter(ImageFilter.GaussianBlur(radius=0.8))


def exif_with_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/sigma-photos"
    os.makedirs(out, exist_ok=True)
    big = natural_rgb(4032, 3024, 1)
    big.save(os.path.join(out, "photo_12mp.jpg"), quality=92)
    big.save(os.path.join(out, "photo_rotated.jpg"), quality=92, exif=exif_with_orientation(6))

    rgba = natural_rgb(1600, 1200, 2).convert("RGBA")
    alpha = Image.new("L", rgba.size, 0)
    ImageDraw.Draw(alpha).ellipse([100, 80, 1500, 1120], fill=255)
    rgba.putalpha(alpha)
    rgba.save(os.path.join(out, "photo_alpha.png"))

    natural_rgb(3000, 2000, 3).convert("L").save(os.path.join(out, "photo_gray.jpg"), quality=90)
    natural_rgb(800, 600, 4).save(os.path.join(out, "photo_small.jpg"), quality=85)

    with open(os.path.join(out, "photo_12mp.jpg"), "rb") as f:
        data = f.read()
    with open(os.path.join(out, "photo_truncated.jpg"), "wb") as f:
        f.write(data[: len(data) * 4 // 10])
    for name in sorted(os.listdir(out)):
        print(f"{name}\t{os.path.getsize(os.path.join(out, name))}")


if __name__ == "__main__":
    main()
