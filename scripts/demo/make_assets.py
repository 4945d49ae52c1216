#!/usr/bin/env python3
"""Make the demo's files: our own logo, icon and diagram PNGs under BASE_DIR/static/images/, and
a generated photo for every row of servicio_tecnico_imagenorden in the given SQLite databases,
at the path the row names under MEDIA_ROOT.

Usage: make_assets.py BASE_DIR MEDIA_ROOT [--db SQLITE_FILE]... [--image TIPO:ID:NAME]...

--db reads the image rows of a SQLite database; --image names one photo directly (for databases
this script cannot read, e.g. PostgreSQL).

Photos alternate between large phone-like JPEGs (> 500 KB, so the RHITSO e-mail recompresses
them) and small ones.
"""
import argparse
import os
import sqlite3
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFont


def font(size):
    for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                 "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"):
        if os.path.exists(path):
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def logo(path, size, text, colour):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rounded_rectangle([2, 2, w - 3, h - 3], radius=min(w, h) // 5, fill=colour + (255,))
    draw.text((w / 2, h / 2), text, fill=(255, 255, 255, 255), font=font(int(h * 0.42)), anchor="mm")
    save(image, path)


def icon(path, colour, letter):
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([1, 1, 30, 30], fill=colour + (255,))
    draw.text((16, 16), letter, fill=(255, 255, 255, 255), font=font(16), anchor="mm")
    save(image, path)


def diagram(path):
    w, h = 1731, 486
    image = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    labels = ["TAPA", "PANTALLA", "TECLADO", "BASE", "LATERALES"]
    box = w // len(labels)
    for i, label in enumerate(labels):
        x = i * box + 20
        draw.rounded_rectangle([x, 60, x + box - 40, h - 80], radius=24, outline=(40, 40, 40, 255), width=6)
        draw.text((x + (box - 40) / 2, h - 40), label, fill=(40, 40, 40, 255), font=font(34), anchor="mm")
    save(image, path)


def photo(path, index, large, scale=1.0):
    rng = np.random.default_rng(index)
    w, h = (3264, 2448) if large else (1024, 768)
    w, h = int(w * scale), int(h * scale)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = 90 + 100 * (y / h) + 20 * np.sin(x / 97.0 + index)
    g = 120 + 60 * np.cos(y / 151.0) - 30 * (x / w)
    b = 170 - 80 * (y / h) + 15 * np.sin((x + y) / 61.0)
    pixels = np.stack([r, g, b], axis=-1) + rng.normal(0, 9 if large else 4, (h, w, 3))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    s = w / 1024
    draw.rounded_rectangle([200 * s, 180 * s, 820 * s, 600 * s], radius=30 * s, fill=(45, 45, 50), outline=(20, 20, 20),
                           width=int(6 * s))
    draw.rectangle([240 * s, 220 * s, 780 * s, 520 * s], fill=(25, 60, 110))
    draw.text((510 * s, 370 * s), f"FOTO {index}", fill=(240, 240, 240), font=font(int(60 * s)), anchor="mm")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.save(path, "JPEG", quality=92 if large else 80)


def save(image, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    image.save(path, "PNG")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("media")
    parser.add_argument("--db", action="append", default=[])
    parser.add_argument("--image", action="append", default=[])
    parser.add_argument("--large-ids", help="comma-separated image ids to make large (default: odd ingreso ids and diagnostico)")
    parser.add_argument("--scale", type=float, default=1.0, help="scale of the photo sizes (tests use less)")
    options = parser.parse_args()
    base, media = options.base, options.media
    images = os.path.join(base, "static", "images")
    logo(os.path.join(images, "logos", "logo_sic.png"), (209, 65), "SIC", (5, 29, 99))
    logo(os.path.join(images, "logos", "logo_rhitso.png"), (425, 419), "RHITSO", (192, 57, 43))
    diagram(os.path.join(images, "rhitso", "diagrama.png"))
    for name, colour, letter in (("link", (52, 152, 219), "W"), ("instagram", (193, 53, 132), "I"),
                                 ("facebook", (59, 89, 152), "f"), ("whatsapp", (37, 211, 102), "W")):
        icon(os.path.join(images, "utilitys", f"{name}.png"), colour, letter)
    rows = []
    for database in options.db:
        with sqlite3.connect(database) as connection:
            rows += connection.execute("SELECT id, imagen, tipo FROM servicio_tecnico_imagenorden ORDER BY id").fetchall()
    for item in options.image:
        tipo, image_id, name = item.split(":", 2)
        rows.append((int(image_id), name, tipo))
    for image_id, name, tipo in rows:
        if options.large_ids is not None:
            large = str(image_id) in options.large_ids.split(",")
        else:
            large = tipo == "ingreso" and image_id % 2 == 1 or tipo == "diagnostico"
        photo(os.path.join(media, name), image_id, large, options.scale)
    count = len(rows)
    print(f"static images in {images}; {count} photos under {media}")


if __name__ == "__main__":
    main()
