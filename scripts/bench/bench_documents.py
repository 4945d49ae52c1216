#!/usr/bin/env python3
"""Pillow / reportlab versus SigmaDocuments, timed in-process on both sides (median of N).

Prints, for the 12 MP customer-e-mail recompression: both times and their ratio, output
dimensions, SSIM of ours against Pillow's output (luma, 11x11 Gaussian window, sigma 1.5) and the
file-size ratio; for each PDF: reportlab's time, ours (cold: assets decoded each time, as the
Python worker does; warm: static assets prepared once) and the ratios.
"""
import argparse
import io
import os
import statistics
import subprocess
import tempfile
import time

import numpy as np
from PIL import Image


def pillow_customer(data):
    """SIGMA's customer-e-mail recipe (§6.2)."""
    img = Image.open(io.BytesIO(data))
    if img.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", img.size, (255, 255, 255))
        if img.mode == "P":
            img = img.convert("RGBA")
        background.paste(img, mask=img.split()[-1] if img.mode == "RGBA" else None)
        img = background
    w, h = img.size
    longest = max(w, h)
    if longest > 1920:
        ratio = 1920 / longest
        img = img.resize((int(w * ratio), int(h * ratio)), Image.LANCZOS)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), img.size


def timed(fn, iterations):
    times, result = [], None
    for _ in range(iterations):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def luma(path_or_bytes):
    img = Image.open(io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes)
    return np.asarray(img.convert("L"), dtype=np.float64)


def gaussian_filter(a, sigma=1.5, radius=5):
    x = np.arange(-radius, radius + 1)
    k = np.exp(-(x**2) / (2 * sigma**2))
    k /= k.sum()
    a = np.apply_along_axis(lambda r: np.convolve(r, k, mode="valid"), 1, a)
    return np.apply_along_axis(lambda c: np.convolve(c, k, mode="valid"), 0, a)


def ssim(a, b):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu_a, mu_b = gaussian_filter(a), gaussian_filter(b)
    saa = gaussian_filter(a * a) - mu_a**2
    sbb = gaussian_filter(b * b) - mu_b**2
    sab = gaussian_filter(a * b) - mu_a * mu_b
    m = ((2 * mu_a * mu_b + c1) * (2 * sab + c2)) / ((mu_a**2 + mu_b**2 + c1) * (saa + sbb + c2))
    return float(m.mean())


def swift_lines(command):
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    values = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        fields = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        values[parts[0]] = fields
    return values


def reportlab_pages(images, auth_path, out_dir, iterations):
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from reportlab.pdfbase.pdfmetrics import stringWidth

    W, left, top = 526.96, 42.52, 735.31
    grey, navy, blue = "#DCDCDC", "#003366", "#4472C4"

    def flattened_jpeg(path, prefix):
        # What the Python generators do with PNG assets: flatten on white, JPEG q90 temp file.
        img = Image.open(path)
        if img.mode in ("RGBA", "LA", "P"):
            bg = Image.new("RGB", img.size, (255, 255, 255))
            img = img.convert("RGBA")
            bg.paste(img, mask=img.split()[-1])
            img = bg
        fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=".jpg")
        os.close(fd)
        img.save(tmp, "JPEG", quality=90)
        return tmp

    def fit(c, path, x, y, w, h, prefix):
        tmp = flattened_jpeg(path, prefix) if path.endswith(".png") else None
        reader = ImageReader(tmp or path)
        iw, ih = reader.getSize()
        s = min(w / iw, h / ih)
        c.drawImage(tmp or path, x + (w - iw * s) / 2, y + (h - ih * s) / 2, iw * s, ih * s)
        if tmp:
            os.unlink(tmp)

    def wrap(text, font, size, width):
        lines, cur = [], ""
        for word in text.split():
            cand = cur + word + " "
            if stringWidth(cand, font, size) <= width:
                cur = cand
            else:
                lines.append(cur.strip())
                cur = word + " "
        if cur:
            lines.append(cur.strip())
        return lines

    def header(c, y, title, size=10, colour=grey, h=25, text="#000000", base=8.5):
        c.setFillColor(colour)
        c.rect(left, y - h, W, h, fill=1, stroke=1)
        c.setFillColor(text)
        c.setFont("Helvetica-Bold", size)
        c.drawCentredString(306, y - h + base, title)
        return y - h

    def rhitso():
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=letter)
        c.setTitle("Formato RHITSO - Equipo ABC 123/XYZ")
        fit(c, images + "/logos/logo_sic.png", left + 5, top - 40, 100, 50, "rhitso_")
        c.setFont("Helvetica-Bold", 16); c.drawCentredString(306, top - 15, "Formato RHITSO")
        c.setFont("Helvetica-Bold", 12); c.drawCentredString(306, top - 30, "EMPRESA DE EJEMPLO")
        c.setFont("Helvetica", 9); c.drawCentredString(306, top - 43, "PAIS")
        fit(c, images + "/logos/logo_rhitso.png", 612 - left - 105, top - 40, 100, 50, "rhitso_")
        y = top - 85 - 20
        for x, w, label, font, size, fill in [(42.52, 70, "FECHA", "Helvetica-Bold", 9, 1), (112.52, 100, "25/11/2026", "Helvetica", 9, 0),
                                              (309.48, 130, "ORDEN DE SERVICIO", "Helvetica-Bold", 8, 1), (439.48, 130, "OS-001-2026", "Helvetica", 8, 0)]:
            if fill:
                c.setFillColor(grey)
            c.rect(x, y, w, 20, fill=fill, stroke=1)
            c.setFillColor("#000000"); c.setFont(font, size); c.drawCentredString(x + w / 2, y + 7, label)
        y = header(c, y - 15, "INFORMACION DEL EQUIPO", 11) - 25
        for x, w, label, font, size, fill in [(42.52, 70, "MODELO", "Helvetica-Bold", 9, 1), (112.52, 193.48, "Latitude 5420", "Helvetica", 9, 0),
                                              (306, 100, "NUMERO DE SERIE", "Helvetica-Bold", 9, 1), (406, 163.48, "ABC 123/XYZ", "Helvetica", 8, 0)]:
            if fill:
                c.setFillColor(grey)
            c.rect(x, y, w, 25, fill=fill, stroke=1)
            c.setFillColor("#000000"); c.setFont(font, size); c.drawCentredString(x + w / 2, y + 9.5, label)
        y = header(c, y - 20, "MOTIVO")
        c.rect(left, y - 70, W, 70, fill=0, stroke=1)
        t = c.beginText(left + 10, y - 15); t.setFont("Helvetica", 9)
        for line in wrap("Equipo no da video. Se requiere revisión <urgente> de la placa madre. " * 4, "Helvetica", 9, W - 20):
            t.textLine(line)
        c.drawText(t)
        y = header(c, y - 90, "ACCESORIOS ENVIADOS") - 25
        for i, label in enumerate(["[X] ADAPTADOR", "[ ] SIN CARGADOR", "[ ] OTROS"]):
            c.rect(left + i * W / 3, y, W / 3, 25, fill=0, stroke=1)
            c.setFont("Helvetica", 9); c.drawString(left + i * W / 3 + 10, y + 9.5, label)
        y -= 25
        c.setFillColor("#FFFFC8"); c.rect(left, y, W, 25, fill=1, stroke=1)
        c.setFillColor("#000000"); c.setFont("Helvetica-Bold", 9); c.drawString(left + 10, y + 9.5, "CARGADOR Y CABLE: CN-0XYZ")
        y = header(c, y - 25, "REVISION DE DAÑOS EXTERNOS")
        fit(c, images + "/rhitso/diagrama.png", left, y - 250, W, 250, "rhitso_")
        c.showPage()
        y = header(c, top, "IMAGENES DE AUTORIZACION/CONTRASEÑAS")
        fit(c, auth_path, left, y - 280, W, 280, "rhitso_")
        c.setFont("Helvetica-Bold", 8); c.drawCentredString(306, 68.35, "Empresa de Ejemplo SA")
        c.setFont("Helvetica", 7); c.drawCentredString(306, 56.35, "Domicilio")
        c.drawCentredString(306, 44.35, "Calle Uno 123, Col. Centro, Ciudad, CP 00000")
        c.setFont("Helvetica", 8)
        c.drawCentredString(306, 28.35, "Seguimiento con: Nombre Apellido Tel: 00-00-00-00-00 / Correo: contacto@example.com")
        c.showPage(); c.save()
        return buf.getvalue()

    def diagnostico():
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=letter)
        c.setTitle("Diagnóstico - MX_CIS_MX_SAT_00123")
        fit(c, images + "/logos/logo_sic.png", left + 5, top - 50, 140, 50, "diag_")
        c.setFillColor(navy); c.rect(309.48, 713.31, 90, 22, fill=1, stroke=1)
        c.setFillColor("#FFFFFF"); c.setFont("Helvetica-Bold", 8); c.drawCentredString(354.48, 721.31, "FOLIO Y FECHA")
        c.rect(399.48, 713.31, 170, 22, fill=1, stroke=1)
        c.setFillColor("#000000"); c.setFont("Helvetica", 8); c.drawCentredString(484.48, 721.31, "MX_CIS_MX_SAT_00123")
        c.setFillColor("#FFFFFF"); c.rect(309.48, 691.31, 90, 22, fill=1, stroke=1); c.rect(399.48, 691.31, 170, 22, fill=1, stroke=1)
        c.setFillColor("#000000"); c.setFont("Helvetica", 9); c.drawCentredString(484.48, 699.31, "25/11/2026")
        y = header(c, 660.31, "DATOS DEL EQUIPO", colour=navy, h=22, text="#FFFFFF", base=8)
        for row, texts in enumerate([["MARCA", "MODELO", "TIPO", "SERIE"], ["Dell", "Latitude 5420", "Laptop", "ABC 123/XYZ"]]):
            y -= 22; x = left
            for frac, text in zip([0.15, 0.4, 0.15, 0.3], texts):
                c.setFillColor(grey if row == 0 else "#FFFFFF"); c.rect(x, y, W * frac, 22, fill=1, stroke=1)
                c.setFillColor("#000000"); c.setFont("Helvetica-Bold" if row == 0 else "Helvetica", 8)
                c.drawCentredString(x + W * frac / 2, y + 8, text); x += W * frac
        y -= 15
        for title, text, minimum, pad in [("REPORTE DE USUARIO:", "No enciende.\nSe escucha un pitido.", 50, 10),
                                          ("DIAGNÓSTICO TÉCNICO:", "Se detecta falla en la tarjeta madre.\n\nSe recomienda cambio de batería y limpieza.", 80, 15)]:
            lines = []
            for p in text.split("\n"):
                lines += wrap(p, "Helvetica", 9, W - 20) if p.strip() else [""]
            box = max(minimum, (len(lines) + 1) * 12 + pad)
            y = header(c, y, title, colour=blue, h=22, text="#FFFFFF", base=8)
            c.setFillColor("#FFFFFF"); c.rect(left, y - box, W, box, fill=1, stroke=1); c.setFillColor("#000000")
            t = c.beginText(left + 10, y - 15); t.setFont("Helvetica", 9)
            for line in lines:
                t.textLine(line)
            c.drawText(t)
            y -= box + 10
        c.showPage()
        y = header(c, top, "PIEZAS A COTIZAR", colour=blue, h=22, text="#FFFFFF", base=8)
        sel = {0: ("DPN: 0XPJWG", "#C6EFCE"), 5: ("CP6DF", "#FFEB9C"), 18: ("X1", "#FFEB9C")}
        for i in range(19):
            y -= 18
            c.setFillColor(grey); c.rect(left, y, 140, 18, fill=1, stroke=1)
            c.setFillColor("#000000"); c.setFont("Helvetica", 8); c.drawString(left + 5, y + 6, "COMPONENTE %d" % i)
            c.setFillColor("#FFFFFF"); c.rect(left + 140, y, 25, 18, fill=1, stroke=1)
            dpn, colour = sel.get(i, ("", "#FFFFFF"))
            if dpn:
                c.setFillColor("#FF0000"); c.setFont("Helvetica-Bold", 10); c.drawCentredString(left + 152.5, y + 5, "X")
            c.setFillColor(colour); c.rect(left + 165, y, W - 165, 18, fill=1, stroke=1)
            if dpn:
                c.setFillColor("#000000"); c.setFont("Helvetica", 8); c.drawString(left + 170, y + 6, dpn)
        c.setFont("Helvetica", 6.5)
        c.setFillColor("#C6EFCE"); c.rect(left, y - 14, 8, 8, fill=1, stroke=1)
        c.setFillColor("#000000"); c.drawString(left + 10, y - 13, "= Pieza necesaria")
        c.setStrokeColor(navy); c.setLineWidth(1); c.line(left, 73.35, 612 - left, 73.35)
        c.setFont("Helvetica-Bold", 8); c.setFillColor(navy); c.drawCentredString(306, 58.35, "Empresa")
        c.setFont("Helvetica", 7); c.setFillColor("#000000"); c.drawCentredString(306, 46.35, "Contacto: juan@example.com")
        c.showPage(); c.save()
        return buf.getvalue()

    rh_ms, rh_pdf = timed(rhitso, iterations)
    dg_ms, dg_pdf = timed(diagnostico, iterations)
    with open(os.path.join(out_dir, "bench_rhitso_reportlab.pdf"), "wb") as f:
        f.write(rh_pdf)
    with open(os.path.join(out_dir, "bench_diagnostico_reportlab.pdf"), "wb") as f:
        f.write(dg_pdf)
    return rh_ms, len(rh_pdf), dg_ms, len(dg_pdf)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--photos", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--iterations", type=int, default=7)
    args = ap.parse_args()
    n = args.iterations

    src = os.path.join(args.photos, "photo_12mp.jpg")
    with open(src, "rb") as f:
        data = f.read()
    pil_ms, (pil_jpeg, pil_size) = timed(lambda: pillow_customer(data), n)
    with open(os.path.join(args.out, "pillow.jpg"), "wb") as f:
        f.write(pil_jpeg)
    ours_path = os.path.join(args.out, "swift.jpg")
    swift = swift_lines([args.bench, "photo", src, ours_path, str(n)])["photo"]
    ours_ms = float(swift["median_ms"])
    with open(ours_path, "rb") as f:
        ours_jpeg = f.read()
    a, b = luma(pil_jpeg), luma(ours_jpeg)
    print(f"photo 12MP customer rule ({Image.open(src).size[0]}x{Image.open(src).size[1]}, {len(data)} bytes, median of {n})")
    print(f"  pillow  {pil_ms:8.1f} ms  {pil_size[0]}x{pil_size[1]}  {len(pil_jpeg)} bytes")
    print(f"  swift   {ours_ms:8.1f} ms  {swift['size']}  {len(ours_jpeg)} bytes")
    print(f"  speedup {pil_ms / ours_ms:.2f}x   SSIM(luma) {ssim(a, b) if a.shape == b.shape else float('nan'):.4f}"
          f"   size ratio {len(ours_jpeg) / len(pil_jpeg):.3f}")

    auth = os.path.join(args.out, "auth.jpg")
    Image.open(src).resize((1600, 1200)).save(auth, quality=85)
    rh_ms, rh_bytes, dg_ms, dg_bytes = reportlab_pages(args.images, auth, args.out, n)
    pdf = swift_lines([args.bench, "pdf", args.images, auth, args.out, str(n)])
    for name, py_ms, py_bytes in [("rhitso", rh_ms, rh_bytes), ("diagnostico", dg_ms, dg_bytes)]:
        cold = float(pdf[f"{name}_cold"]["median_ms"])
        warm = float(pdf[f"{name}_warm"]["median_ms"])
        print(f"pdf {name}: reportlab {py_ms:.2f} ms ({py_bytes} bytes)  swift cold {cold:.2f} ms"
              f" ({pdf[f'{name}_cold']['bytes']} bytes)  warm {warm:.2f} ms"
              f"   speedup cold {py_ms / cold:.1f}x  warm {py_ms / warm:.1f}x")


if __name__ == "__main__":
    main()
