"""UI language through Qt translation files.

UI code writes each string as `tr("中文", "English")` (landapp.i18n.tr's signature). The
Chinese text is the source; `scripts/make_translations.py` collects every pair into
`ui/i18n/landapp_en.ts` and compiles it with pyside6-lrelease to `landapp_en.qm`, which is
what English mode loads (with Qt's own qtbase translations for standard dialogs)."""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from landapp import i18n as core_i18n

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "i18n")
CONTEXT = "landapp"
_installed: list[QTranslator] = []


def tr(zh: str, en: str = "") -> str:
    """The text in the current UI language, from the installed .qm (Chinese by default)."""
    if core_i18n.language() == "zh":
        return zh
    # the English text disambiguates: 删除 is 'Delete' on a button and 'deleted' in a history
    # (scripts/make_translations.py writes both); Qt falls back to the plain translation
    t = QCoreApplication.translate(CONTEXT, zh, en or None)
    return t if t != zh else (en or zh)


def qt_translations_folder() -> str:
    """Where Qt's own translations (qtbase_zh_CN.qm) are: Qt's configured folder, else the one
    shipped inside the PySide6 wheel (QLibraryInfo points elsewhere in some installs)."""
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if os.path.exists(os.path.join(qt_dir, "qtbase_zh_CN.qm")):
        return qt_dir
    import PySide6

    for sub in (("Qt", "translations"), ("translations",)):
        folder = os.path.join(os.path.dirname(PySide6.__file__), *sub)
        if os.path.exists(os.path.join(folder, "qtbase_zh_CN.qm")):
            return folder
    return qt_dir


def set_ui_language(lang: str) -> bool:
    """Install the translators for `lang` ('zh' or 'en'). Returns True when the app's own
    translation file was loaded (English) or is not needed (Chinese)."""
    app = QCoreApplication.instance()
    for t in _installed:
        app.removeTranslator(t)
    _installed.clear()
    core_i18n.set_language(lang)
    qt_dir = qt_translations_folder()
    ok = True
    if lang == "en":
        own = QTranslator(app)
        ok = own.load(os.path.join(HERE, "landapp_en.qm"))
        if ok:
            app.installTranslator(own)
            _installed.append(own)
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    else:
        qt = QTranslator(app)
        if qt.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_dir):
            app.installTranslator(qt)  # Qt's standard dialogs (OK/Cancel, file dialogs) in Chinese
            _installed.append(qt)
        gaps = QTranslator(app)  # what qtbase_zh_CN leaves in English (file dialog labels)
        if gaps.load(os.path.join(HERE, "qt_gaps_zh_CN.qm")):
            app.installTranslator(gaps)
            _installed.append(gaps)
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    return ok
