"""Trainer settings: one small validated dataclass.

Sources, later wins: defaults → ``<data>/trainer/settings.json`` →
``STICKERSTUDIO_TRAIN_<FIELD>`` environment variables. The app's own
``Settings`` keeps the schedule (``nightly_time``) and the metrics port.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from stickerstudio_desktop.config.settings import _coerce, read_json_object
from stickerstudio_desktop.errors import ConfigError
from stickerstudio_desktop.files import atomic_write_bytes

ENV_PREFIX = "STICKERSTUDIO_TRAIN_"
TEACHERS = ("auto", "u2net", "u2netp", "detectron2")
DEVICES = ("auto", "cpu", "cuda")
#: A current desktop browser; sites treat unknown agents as bots.
USER_AGENT = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/126.0.0.0 Safari/537.36")


@dataclass
class TrainerSettings:
    # fine-tuning
    epochs: int = 10
    imgsz: int = 416  # what the bundled students run at (docs/model-card.md)
    batch: int = 8
    workers: int = 0  # data-loader processes; 0 is safest inside the desktop app
    device: str = "auto"
    # gate and promotion
    gate_margin: float = 0.01  # challenger mIoU must beat the champion's by this much
    gate_tolerance: float = 0.02  # largest per-style mIoU drop still accepted
    min_iou: float = 0.5  # first model of a style must reach this on its own
    keep_versions: int = 5
    eval_size: int = 50  # held-out images per style, fixed once reached
    real_judge_size: int = 0  # real photos with human masks (../shared/realgt eval) the gate scores; 0: all
    # tracking
    tracking_uri: str = ""  # empty: SQLite store in the data dir
    # data
    sources: list[str] = field(default_factory=list)  # "folder:DIR", "pinterest:QUERY_OR_URL", "stickers"
    max_new_images: int = 200  # per source per run
    teacher: str = "auto"  # detectron2 when importable, else U²-Net (full)
    teacher_threshold: float = 0.5
    teacher_min_confidence: float = 0.6
    teacher_min_area: float = 0.005  # share of the image
    # downloading
    pinterest_base_url: str = "https://www.pinterest.com"
    pinterest_image_base_url: str = "https://i.pinimg.com"  # a local mirror in tests
    user_agent: str = USER_AGENT
    request_interval: float = 2.0  # seconds between requests to one host
    request_timeout: float = 20.0
    max_image_bytes: int = 15 * 1024 * 1024
    min_image_side: int = 128
    max_image_megapixels: float = 40.0

    def validate(self) -> TrainerSettings:
        """Raise ConfigError with one sentence for the first bad field."""
        checks = [
            (1 <= self.epochs <= 1000, "Training epochs must be between 1 and 1000."),
            (32 <= self.imgsz <= 2048 and self.imgsz % 32 == 0,
             "The training image size must be a multiple of 32 between 32 and 2048."),
            (1 <= self.batch <= 512, "The training batch size must be between 1 and 512."),
            (0 <= self.workers <= 64, "Data-loader workers must be between 0 and 64."),
            (self.device in DEVICES, f"The training device must be one of {', '.join(DEVICES)}."),
            (-1.0 <= self.gate_margin <= 1.0, "The gate margin must be between -1 and 1."),
            (0.0 <= self.gate_tolerance <= 1.0, "The gate tolerance must be between 0 and 1."),
            (0.0 <= self.min_iou <= 1.0, "The minimum IoU must be between 0 and 1."),
            (1 <= self.keep_versions <= 100, "Versions to keep must be between 1 and 100."),
            (1 <= self.eval_size <= 10000, "The evaluation set size must be between 1 and 10000."),
            (0 <= self.real_judge_size <= 10000, "The real-photo judge size must be between 0 (all) and 10000."),
            (0 <= self.max_new_images <= 100000, "New images per source must be between 0 and 100000."),
            (self.teacher in TEACHERS, f"The teacher must be one of {', '.join(TEACHERS)}."),
            (0.05 <= self.teacher_threshold <= 0.95, "The teacher threshold must be between 0.05 and 0.95."),
            (0.0 <= self.teacher_min_confidence <= 1.0, "The teacher confidence must be between 0 and 1."),
            (0.0 <= self.teacher_min_area < 1.0, "The teacher's minimum area must be between 0 and 1."),
            (self.pinterest_base_url.startswith(("http://", "https://")),
             "The Pinterest base URL must start with http:// or https://."),
            (self.pinterest_image_base_url.startswith(("http://", "https://")),
             "The Pinterest image base URL must start with http:// or https://."),
            (bool(self.user_agent.strip()), "The User-Agent must not be empty."),
            (0.0 <= self.request_interval <= 3600, "The request interval must be between 0 and 3600 seconds."),
            (0.5 <= self.request_timeout <= 600, "The request timeout must be between 0.5 and 600 seconds."),
            (1024 <= self.max_image_bytes <= 512 * 1024 * 1024,
             "The image byte limit must be between 1 KB and 512 MB."),
            (1 <= self.min_image_side <= 10000, "The minimum image side must be between 1 and 10000 pixels."),
            (0.01 <= self.max_image_megapixels <= 1000, "The image size limit must be between 0.01 and 1000 MP."),
        ]
        for ok, message in checks:
            if not ok:
                raise ConfigError(message)
        if self.tracking_uri and ":" not in self.tracking_uri:
            raise ConfigError("The tracking URI must be a URI such as sqlite:///path/mlflow.db or http://host:5000.")
        from .sources import parse_source  # validates each spec's shape

        for spec in self.sources:
            parse_source(spec)
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def replace(self, **changes: Any) -> TrainerSettings:
        """A validated copy with *changes* (None values are ignored)."""
        data = self.to_dict()
        data.update({k: v for k, v in changes.items() if v is not None})
        return TrainerSettings(**data).validate()


def settings_file(trainer_dir: Path) -> Path:
    return Path(trainer_dir) / "settings.json"


def _merge(settings: TrainerSettings, values: Mapping[str, Any], origin: str) -> None:
    known = {f.name for f in fields(TrainerSettings)}
    unknown = sorted(set(values) - known)
    if unknown and origin != "environment":
        raise ConfigError(f"Unknown trainer setting {unknown[0]!r} in {origin}.")
    for key, raw in values.items():
        if key in known:
            setattr(settings, key, _coerce(key, getattr(settings, key), raw))


def load_trainer_settings(trainer_dir: Path, environ: Mapping[str, str] | None = None) -> TrainerSettings:
    """Defaults, then ``settings.json`` in *trainer_dir*, then the environment; validated."""
    environ = os.environ if environ is None else environ
    s = TrainerSettings()
    path = settings_file(trainer_dir)
    if path.exists():
        _merge(s, read_json_object(path, "Trainer settings file"), str(path))
    env = {f.name: environ[ENV_PREFIX + f.name.upper()] for f in fields(TrainerSettings)
           if ENV_PREFIX + f.name.upper() in environ}
    if "sources" in env:  # several sources are separated by ';' (a query may contain commas)
        env["sources"] = [p.strip() for p in str(env["sources"]).split(";") if p.strip()]
    _merge(s, env, "environment")
    return s.validate()


def save_trainer_settings(settings: TrainerSettings, trainer_dir: Path) -> Path:
    settings.validate()
    return atomic_write_bytes(settings_file(trainer_dir), json.dumps(settings.to_dict(), indent=2).encode())
