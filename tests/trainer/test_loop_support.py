"""Shared helpers for the learning-loop tests (no tests here).

Real photos, a local HTTP server that plays Pinterest, tiny YOLOv8n-seg
ONNX exports built offline, and the fast trainer settings every cycle test
uses (imgsz 64, 1 epoch, batch 4, no workers, U²-Netp teacher).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[2]
PHOTOS = sorted((ROOT / "resources" / "samples").glob("*.jpg")) + sorted((ROOT / "tests" / "data").glob("*.jpg"))

#: The metrics issue 6 names (families; counters are served with a _total suffix).
NAMED = [
    "stickerstudio_stage_seconds", "stickerstudio_stickers_made", "stickerstudio_errors",
    "stickerstudio_generation_requests", "stickerstudio_training_runs", "stickerstudio_training_last_run_seconds",
    "stickerstudio_dataset_images", "stickerstudio_images_scraped", "stickerstudio_images_skipped",
    "stickerstudio_champion_version", "stickerstudio_champion_miou",
    "stickerstudio_scheduler_next_run_timestamp_seconds", "stickerstudio_host_cpu_percent",
    "stickerstudio_host_memory_percent", "stickerstudio_host_disk_percent",
]

FAST = {"epochs": 1, "imgsz": 64, "batch": 4, "workers": 0, "device": "cpu", "teacher": "u2netp",
        "eval_size": 4, "real_judge_size": 4, "min_iou": 0.0, "gate_margin": 0.0, "request_interval": 0.05,
        "min_image_side": 64}


def write_settings(trainer_dir: Path, **changes) -> dict:
    data = {**FAST, **changes}
    trainer_dir.mkdir(parents=True, exist_ok=True)
    (trainer_dir / "settings.json").write_text(json.dumps(data), encoding="utf-8")
    return data


def jpeg(img: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def photo_variants() -> list[bytes]:
    """Each real photo and its mirror image: 14 distinct JPEGs."""
    out = []
    for p in PHOTOS:
        im = Image.open(p)
        out += [jpeg(im), jpeg(ImageOps.mirror(im))]
    return out


def pin_hash(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # Pinterest names files by a 32-hex digest


def pin_path(h: str, ext: str = "jpg") -> str:
    return f"{h[:2]}/{h[2:4]}/{h[4:6]}/{h}.{ext}"


class PinterestFake:
    """Serves saved-page-style board HTML and the pin images behind it, logging every request."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # path → (content type, body)
        self.log: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                fake.log.append({"path": self.path, "ua": self.headers.get("User-Agent", ""), "t": time.monotonic()})
                if self.path in fake.pages:
                    ctype, body = "text/html; charset=utf-8", fake.pages[self.path].encode()
                elif self.path in fake.files:
                    ctype, body = fake.files[self.path]
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add_pin(self, data: bytes, ctype: str = "image/jpeg", name: bytes | None = None) -> str:
        """Serve *data* as the 736x rendition of a pin; returns the pin's hash."""
        h = pin_hash(name or data)
        self.files[f"/736x/{pin_path(h)}"] = (ctype, data)
        return h

    def requested(self, prefix: str) -> list[str]:
        return [r["path"] for r in self.log if r["path"].startswith(prefix)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def board_html(hashes: list[str], next_href: str | None = None) -> str:
    """A board page as Pinterest serves it: <img srcset> for some pins, escaped JSON for the rest."""
    half = len(hashes) // 2
    imgs = "\n".join(
        f'<div data-test-id="pin"><img alt="pin" src="https://i.pinimg.com/236x/{pin_path(h)}" '
        f'srcset="https://i.pinimg.com/236x/{pin_path(h)} 1x, https://i.pinimg.com/474x/{pin_path(h)} 2x, '
        f'https://i.pinimg.com/736x/{pin_path(h)} 3x"></div>' for h in hashes[:half])
    pins = [{"id": str(i), "images": {"170x": {"url": f"https://i.pinimg.com/170x/{pin_path(h)}"},
                                      "orig": {"url": f"https://i.pinimg.com/originals/{pin_path(h, 'png')}"}}}
            for i, h in enumerate(hashes[half:])]
    blob = json.dumps({"props": {"initialReduxState": {"pins": pins}}}).replace("/", "\\/")
    avatar = "https://i.pinimg.com/75x75_RS/" + pin_path("f" * 32)
    nxt = f'<link rel="next" href="{next_href}">' if next_href else ""
    return (f'<!DOCTYPE html><html><head>{nxt}<title>board</title></head><body>'
            f'<img class="avatar" src="{avatar}">{imgs}'
            f'<script id="__PWS_DATA__" type="application/json">{blob}</script></body></html>')


def make_untrained_onnx(out_dir: Path, trainer_dir: Path, *, seed: int, imgsz: int = 64, detects: bool = True) -> Path:
    """A one-class YOLOv8n-seg export (no training) that finds something everywhere, or nothing at all.

    A fresh head scores every anchor alike and below any threshold; spreading its class
    logits upwards makes it report (meaningless) subjects, pushing them down makes it blind.
    """
    from trainer.offline import prepare_ultralytics

    prepare_ultralytics(trainer_dir)
    import torch
    from ultralytics import YOLO
    from ultralytics.nn.tasks import SegmentationModel

    torch.manual_seed(seed)
    model = YOLO("yolov8n-seg.yaml")
    fresh = SegmentationModel("yolov8n-seg.yaml", nc=1, verbose=False)
    fresh.args, fresh.task, fresh.names = model.model.args, "segment", {0: "subject"}
    with torch.no_grad():
        for branch in fresh.model[-1].cv3:
            branch[-1].weight.normal_(0, 0.05) if detects else branch[-1].weight.zero_()
            branch[-1].bias.normal_(0.5, 0.5) if detects else branch[-1].bias.fill_(-20.0)
        for m in fresh.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.momentum = 1.0
        fresh.train()
        photos = [np.asarray(Image.open(p).convert("RGB").resize((imgsz, imgsz))) for p in PHOTOS[:4]]
        fresh(torch.from_numpy(np.stack(photos)).permute(0, 3, 1, 2).float() / 255)
        fresh.eval()
    model.model = fresh
    out_dir.mkdir(parents=True, exist_ok=True)
    cwd = os.getcwd()
    os.chdir(out_dir)  # ultralytics writes the export beside the "model file": the cwd here
    try:
        produced = Path(model.export(format="onnx", imgsz=imgsz, simplify=False, dynamic=False, verbose=False))
    finally:
        os.chdir(cwd)
    target = out_dir / f"untrained-{seed}-{'sees' if detects else 'blind'}.onnx"
    (out_dir / produced.name).replace(target)
    return target


def start_paused_run(home: Path, point: str, *extra: str, env: dict | None = None):
    """Start ``stickerstudio-train run-once`` in a subprocess and wait until it sits at *point*."""
    import subprocess
    import sys

    marker = home / "data" / "trainer" / f"paused-at-{point}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer.cli", "run-once", "--home", str(home), "--json", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {}), "STICKERSTUDIO_TRAIN_PAUSE_AT": point})
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the run ended (rc {proc.returncode}) before reaching {point}:\n{out}\n{err[-3000:]}")
        time.sleep(0.05)
    return proc
