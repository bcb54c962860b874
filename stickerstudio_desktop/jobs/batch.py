"""Run one piece of work per input, going on past bad ones: the shape of every batch job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Generic, Sequence, TypeVar

from ..errors import StickerStudioError
from .control import JobControl, SilentControl

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """One input's result, or the one sentence saying why it failed."""

    item: Path
    result: T | None = None
    error: str | None = None


@dataclass
class BatchReport:
    total: int
    failures: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def succeeded(self) -> int:
        return self.total - len(self.failures)


def for_each(items: Sequence[Path], work: Callable[[Path], T], control: JobControl | None = None,
             on_outcome: Callable[[Outcome[T]], None] | None = None, noun: str = "Item") -> BatchReport:
    """Call *work* on each item; expected errors are collected, cancel stops between items."""
    control = control or SilentControl()
    report, n = BatchReport(len(items)), len(items)
    for i, item in enumerate(items):
        control.check_cancel()
        control.report(i / n, f"{noun} {i + 1} of {n}: {item.name}")
        try:
            outcome: Outcome[T] = Outcome(item, result=work(item))
        except StickerStudioError as exc:
            report.failures.append((item, str(exc)))
            outcome = Outcome(item, error=str(exc))
        if on_outcome is not None:
            on_outcome(outcome)
    control.report(1.0, "Batch finished")
    return report
