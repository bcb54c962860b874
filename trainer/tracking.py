"""MLflow tracking with mlflow-skinny: one experiment per model, a run per fine-tune.

Default store: ``sqlite:///<data>/mlflow/mlflow.db`` with artifacts beside it
(an explicit artifact location per experiment, so nothing lands in the
working directory). Telemetry is off. Tracking never stops training: a
failure is logged, remembered in ``errors`` and the run goes on untracked.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from stickerstudio_desktop.config.paths import AppPaths

log = logging.getLogger(__name__)


def default_uri(paths: AppPaths) -> str:
    return f"sqlite:///{(paths.mlflow / 'mlflow.db').as_posix()}"


class Tracker:
    def __init__(self, uri: str, artifact_root: Path | None = None) -> None:
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        os.environ.setdefault("DO_NOT_TRACK", "true")
        logging.getLogger("alembic").setLevel(logging.WARNING)
        from mlflow.tracking import MlflowClient

        self.uri = uri
        self.artifact_root = artifact_root
        self.errors: list[str] = []
        if uri.startswith("sqlite:///"):
            self._safe("create its folder", Path(uri[len("sqlite:///"):]).parent.mkdir, parents=True, exist_ok=True)
        # The client opens (and migrates) the store right away; a broken store means "untracked".
        self.client = self._safe("open the tracking store", MlflowClient, tracking_uri=uri, registry_uri=uri)

    @classmethod
    def for_paths(cls, paths: AppPaths, uri: str = "") -> Tracker:
        return cls(uri or default_uri(paths), None if uri else paths.mlflow / "artifacts")

    def _safe(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # the store may be remote, locked or full; training goes on
            message = f"MLflow could not {what}: {type(exc).__name__}: {str(exc)[:200]}"
            log.warning(message)
            self.errors.append(message)
            return None

    @property
    def ok(self) -> bool:
        return self.client is not None

    def experiment_id(self, name: str) -> str:
        exp = self.client.get_experiment_by_name(name)
        if exp is not None:
            return exp.experiment_id
        location = (self.artifact_root / name).resolve().as_uri() if self.artifact_root else None
        return self.client.create_experiment(name, artifact_location=location)

    def start(self, experiment: str, run_name: str, tags: dict[str, str] | None = None) -> str | None:
        def _start():
            run = self.client.create_run(self.experiment_id(experiment), run_name=run_name, tags=tags or {})
            return run.info.run_id

        return self._safe("start a run", _start) if self.ok else None

    def params(self, run_id: str | None, values: dict[str, Any]) -> None:
        if run_id:
            for k, v in values.items():
                self._safe(f"log parameter {k}", self.client.log_param, run_id, k, str(v)[:5000])

    def metrics(self, run_id: str | None, values: dict[str, float], step: int | None = None) -> None:
        if run_id:
            for k, v in values.items():
                if v is not None:
                    self._safe(f"log metric {k}", self.client.log_metric, run_id, k, float(v), step=step or 0)

    def tag(self, run_id: str | None, key: str, value: str) -> None:
        if run_id:
            self._safe(f"set tag {key}", self.client.set_tag, run_id, key, value)

    def artifact(self, run_id: str | None, path: Path, artifact_path: str | None = None) -> None:
        if run_id and Path(path).exists():
            self._safe(f"store {Path(path).name}", self.client.log_artifact, run_id, str(path), artifact_path)

    def register(self, model: str, run_id: str | None, artifact_path: str, alias: str) -> str | None:
        """Register the run's artifact as a new version of *model* and give it *alias*."""
        if not run_id:
            return None

        def _register():
            from mlflow.exceptions import MlflowException

            try:
                self.client.create_registered_model(model)
            except MlflowException:
                pass  # already registered
            run = self.client.get_run(run_id)
            version = self.client.create_model_version(model, source=f"{run.info.artifact_uri}/{artifact_path}",
                                                       run_id=run_id)
            self.client.set_registered_model_alias(model, alias, version.version)
            return str(version.version)

        return self._safe(f"register {model}", _register)

    def alias(self, model: str, alias: str, version: str | None) -> None:
        if version and self.ok:
            self._safe(f"set alias {alias}", self.client.set_registered_model_alias, model, alias, version)

    def finish(self, run_id: str | None, status: str = "FINISHED") -> None:
        if run_id:
            self._safe("end the run", self.client.set_terminated, run_id, status)

    def runs(self, experiment: str) -> list:
        if not self.ok:
            return []
        exp = self.client.get_experiment_by_name(experiment)
        return self.client.search_runs([exp.experiment_id]) if exp else []
