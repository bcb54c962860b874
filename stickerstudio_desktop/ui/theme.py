"""Light and dark palettes that follow the system, plus one stylesheet.

Fusion gives the same widgets on every platform; the colours come from
``Theme`` so the stylesheet, the painted widgets (preview, step indicator)
and the icons agree. When the system switches between light and dark, the
palette and stylesheet are re-applied live.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    dark: bool
    window: str
    surface: str  # cards, inputs
    surface_alt: str  # hover, alternate rows
    border: str
    text: str
    muted: str
    accent: str
    accent_hover: str
    accent_text: str
    danger: str
    danger_bg: str
    success: str
    success_bg: str
    info_bg: str
    checker_a: str
    checker_b: str


LIGHT = Theme(dark=False, window="#F5F4FA", surface="#FFFFFF", surface_alt="#EFEDF7", border="#DDD9EA",
              text="#1F1B2D", muted="#6E6885", accent="#7C3AED", accent_hover="#6D28D9",
              accent_text="#FFFFFF", danger="#C2264B", danger_bg="#FDE8EE", success="#17804A",
              success_bg="#E4F6EC", info_bg="#EFE9FE", checker_a="#FFFFFF", checker_b="#E9E7F0")
DARK = Theme(dark=True, window="#16141D", surface="#211E2B", surface_alt="#2A2636", border="#38334A",
             text="#ECEAF4", muted="#9D97B5", accent="#8B5CF6", accent_hover="#A78BFA",
             accent_text="#FFFFFF", danger="#FF7A98", danger_bg="#3A1B26", success="#5BD69A",
             success_bg="#15301F", info_bg="#2A2143", checker_a="#2B2837", checker_b="#232030")

_current: Theme = LIGHT


def current() -> Theme:
    return _current


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hasattr(hints, "colorScheme") else Qt.ColorScheme.Unknown
    if scheme == Qt.ColorScheme.Dark:
        return True
    if scheme == Qt.ColorScheme.Light:
        return False
    # Unknown: judge by the platform's default window colour.
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def palette_for(t: Theme) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    colours = {
        role.Window: t.window, role.WindowText: t.text, role.Base: t.surface,
        role.AlternateBase: t.surface_alt, role.Text: t.text, role.Button: t.surface,
        role.ButtonText: t.text, role.BrightText: "#FFFFFF", role.Highlight: t.accent,
        role.HighlightedText: t.accent_text, role.ToolTipBase: t.surface, role.ToolTipText: t.text,
        role.PlaceholderText: t.muted, role.Link: t.accent, role.LinkVisited: t.accent_hover,
        role.Light: t.surface, role.Midlight: t.surface_alt, role.Mid: t.border,
        role.Dark: t.border, role.Shadow: "#000000",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(t.muted))
    p.setColor(disabled, role.Button, QColor(t.surface_alt))
    p.setColor(disabled, role.Highlight, QColor(t.border))
    return p


def stylesheet(t: Theme) -> str:
    return f"""
QMainWindow, QDialog {{ background: {t.window}; }}
QToolTip {{ background: {t.surface}; color: {t.text}; border: 1px solid {t.border};
    padding: 6px 8px; border-radius: 6px; }}
QFrame#Card {{ background: {t.surface}; border: 1px solid {t.border}; border-radius: 14px; }}
QLabel#SectionTitle {{ color: {t.muted}; font-weight: 600; font-size: 11px; }}
QLabel#Muted, QLabel#Timing {{ color: {t.muted}; }}
QLabel#Error {{ color: {t.danger}; }}
QLabel#Title {{ font-size: 20px; font-weight: 700; }}
QLabel#Subtitle {{ color: {t.muted}; font-size: 13px; }}
QPushButton, QToolButton#Soft {{ background: {t.surface}; border: 1px solid {t.border};
    border-radius: 9px; padding: 7px 14px; color: {t.text}; }}
QPushButton:hover, QToolButton#Soft:hover {{ border-color: {t.accent}; background: {t.surface_alt}; }}
QPushButton:pressed {{ background: {t.border}; }}
QPushButton:disabled {{ color: {t.muted}; background: {t.surface_alt}; border-color: {t.surface_alt}; }}
QPushButton:focus {{ border-color: {t.accent}; }}
QPushButton#Primary {{ background: {t.accent}; color: {t.accent_text}; border: 1px solid {t.accent};
    font-weight: 600; }}
QPushButton#Primary:hover {{ background: {t.accent_hover}; border-color: {t.accent_hover}; }}
QPushButton#Primary:disabled {{ background: {t.border}; border-color: {t.border}; color: {t.muted}; }}
QPushButton#Segment {{ border-radius: 0; padding: 6px 12px; }}
QPushButton#Segment:checked {{ background: {t.accent}; color: {t.accent_text}; border-color: {t.accent}; }}
QPushButton#SegmentFirst {{ border-top-right-radius: 0; border-bottom-right-radius: 0; padding: 6px 12px; }}
QPushButton#SegmentLast {{ border-top-left-radius: 0; border-bottom-left-radius: 0; padding: 6px 12px; }}
QPushButton#SegmentMiddle {{ border-radius: 0; padding: 6px 12px; }}
QPushButton#SegmentFirst:checked, QPushButton#SegmentMiddle:checked, QPushButton#SegmentLast:checked {{
    background: {t.accent};
    color: {t.accent_text}; border-color: {t.accent}; }}
QPushButton#Swatch {{ text-align: left; padding: 6px 10px; }}
QToolBar {{ background: {t.window}; border: none; padding: 6px 10px; spacing: 4px; }}
QToolBar QToolButton {{ border: 1px solid transparent; border-radius: 8px; padding: 5px 9px;
    color: {t.text}; }}
QToolBar QToolButton:hover {{ background: {t.surface_alt}; border-color: {t.border}; }}
QToolBar QToolButton:pressed {{ background: {t.border}; }}
QToolBar QToolButton:disabled {{ color: {t.muted}; }}
QToolBar::separator {{ background: {t.border}; width: 1px; margin: 6px 6px; }}
QLineEdit, QComboBox, QSpinBox, QTimeEdit {{ background: {t.surface}; border: 1px solid {t.border};
    border-radius: 8px; padding: 6px 8px; color: {t.text}; selection-background-color: {t.accent};
    selection-color: {t.accent_text}; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QTimeEdit:focus {{ border-color: {t.accent}; }}
QLineEdit:disabled, QComboBox:disabled {{ color: {t.muted}; background: {t.surface_alt}; }}
QComboBox::drop-down {{ border: none; width: 22px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 0px; border: none; }}
QComboBox QAbstractItemView {{ background: {t.surface}; border: 1px solid {t.border};
    selection-background-color: {t.accent}; selection-color: {t.accent_text}; outline: 0; padding: 4px; }}
QCheckBox {{ spacing: 8px; }}
QSlider::groove:horizontal {{ height: 4px; background: {t.border}; border-radius: 2px; }}
QSlider::sub-page:horizontal {{ background: {t.accent}; border-radius: 2px; }}
QSlider::handle:horizontal {{ background: {t.surface}; border: 2px solid {t.accent}; width: 14px;
    height: 14px; margin: -7px 0; border-radius: 9px; }}
QProgressBar {{ background: {t.surface_alt}; border: none; border-radius: 3px; max-height: 6px;
    min-height: 6px; }}
QProgressBar::chunk {{ background: {t.accent}; border-radius: 3px; }}
QTabWidget::pane {{ border: none; }}
QTabBar::tab {{ background: transparent; color: {t.muted}; padding: 8px 16px; margin-right: 4px;
    border: none; border-bottom: 2px solid transparent; font-weight: 600; }}
QTabBar::tab:selected {{ color: {t.text}; border-bottom: 2px solid {t.accent}; }}
QTabBar::tab:hover {{ color: {t.text}; }}
QListView, QListWidget {{ background: {t.surface}; border: 1px solid {t.border}; border-radius: 14px;
    padding: 10px; outline: 0; }}
QListView::item {{ border-radius: 10px; padding: 6px; color: {t.text}; }}
QListView::item:hover {{ background: {t.surface_alt}; }}
QListView::item:selected {{ background: {t.info_bg}; color: {t.text}; border: 1px solid {t.accent}; }}
QStatusBar {{ background: {t.window}; color: {t.muted}; border-top: 1px solid {t.border}; }}
QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
QMenuBar {{ background: {t.window}; color: {t.text}; }}
QMenuBar::item {{ padding: 4px 10px; border-radius: 6px; }}
QMenuBar::item:selected {{ background: {t.surface_alt}; }}
QMenu {{ background: {t.surface}; border: 1px solid {t.border}; border-radius: 8px; padding: 4px; }}
QMenu::item {{ padding: 6px 22px 6px 12px; border-radius: 6px; }}
QMenu::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QMenu::item:disabled {{ color: {t.muted}; }}
QMenu::separator {{ height: 1px; background: {t.border}; margin: 4px 8px; }}
QFrame#MessageBar {{ border-radius: 10px; }}
QFrame#MessageBar[level="error"] {{ background: {t.danger_bg}; border: 1px solid {t.danger}; }}
QFrame#MessageBar[level="success"] {{ background: {t.success_bg}; border: 1px solid {t.success}; }}
QFrame#MessageBar[level="info"] {{ background: {t.info_bg}; border: 1px solid {t.accent}; }}
QFrame#MessageBar QLabel {{ color: {t.text}; }}
QFrame#MessageBar QToolButton {{ border: none; padding: 2px; border-radius: 6px; }}
QFrame#MessageBar QToolButton:hover {{ background: rgba(127, 127, 127, 0.2); }}
QScrollArea {{ background: transparent; border: none; }}
QScrollArea > QWidget > QWidget {{ background: transparent; }}
QSplitter::handle {{ background: transparent; }}
"""


def apply_theme(app: QApplication, dark: bool | None = None) -> Theme:
    """Fusion + our palette and stylesheet; *dark* None follows the system."""
    global _current
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    _current = DARK if (system_is_dark() if dark is None else dark) else LIGHT
    app.setPalette(palette_for(_current))
    app.setStyleSheet(stylesheet(_current))
    return _current


def follow_system(app: QApplication, on_change=None) -> None:
    """Re-apply the theme when the system switches light/dark (Qt ≥ 6.5)."""
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        def changed(*_):
            apply_theme(app)
            if on_change:
                on_change()
        hints.colorSchemeChanged.connect(changed)
