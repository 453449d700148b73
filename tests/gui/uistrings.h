#pragma once
// What the German-interface test reads and collects: the German catalog's messages, the text
// a user sees of a source string, whether a text needs a translation, and every string a
// widget tree shows (tests/gui/tst_germanui.cpp).

#include <QPair>
#include <QRegularExpression>
#include <QString>
#include <QStringList>
#include <QVector>

class QAbstractItemView;
class QAction;
class QCustomPlot;
class QMenu;
class QWidget;

namespace nwc::testing {

/// One message of the German catalog.
struct CatalogEntry {
    QString context;
    QString source;
    QStringList translations; ///< one, or the numerus forms
    QString type;             ///< "" when finished, else "unfinished", "vanished", "obsolete"
};

/// The messages of a Qt Linguist .ts file; empty when it cannot be read.
QVector<CatalogEntry> readCatalog(const QString &path);

/// Words that mark a string as English (not German) when no catalog string explains it.
extern const QStringList kEnglishWords;

/// Matches a catalog text whatever its placeholders (%1, %L1, %n) were replaced with.
QRegularExpression patternFor(const QString &text);
/// The text a user sees: mnemonics removed, rich text as plain text, trimmed.
QString shownText(QString text);
/// The words (three or more letters) of a text, without placeholders and model specs
/// ("demo:student").
QStringList wordsOf(const QString &text);
/// True when `text` reads the same in German: it has no word, or only neutral ones.
bool isLanguageNeutral(const QString &text);

/// What one scene showed: each string with where it was seen.
class Collector {
public:
    /// With NWC_GERMAN_SCREENSHOTS=<folder>, every walked tree is also saved there as
    /// <scene>-<n>.png, to check by eye that the German texts fit.
    explicit Collector(const QString &scene)
        : m_scene(scene) {}

    void add(const QString &where, const QString &text);
    /// Everything a widget tree shows: titles, labels, buttons, tool tips, combo items, tabs,
    /// placeholders, spin box affixes, item view headers, plot texts, actions and menus.
    void addTree(QWidget *root);
    void addAction(const QString &where, QAction *action);
    void addMenu(const QString &where, QMenu *menu);

    const QVector<QPair<QString, QString>> &strings() const { return m_strings; }

private:
    void addWidget(QWidget *widget);
    void addHeaders(const QString &where, QAbstractItemView *view);
    void addPlot(const QString &where, QCustomPlot *plot);

    QString m_scene;
    int m_trees = 0;
    QVector<QPair<QString, QString>> m_strings;
};

} // namespace nwc::testing
