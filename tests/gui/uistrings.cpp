// What the German-interface test reads and collects (uistrings.h).
#include "uistrings.h"

#include "customplot.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QTabBar>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QTextEdit>
#include <QXmlStreamReader>
#include <algorithm>

namespace nwc::testing {

QVector<CatalogEntry> readCatalog(const QString &path) {
    QVector<CatalogEntry> entries;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return entries;
    QXmlStreamReader xml(&file);
    QString context;
    CatalogEntry entry;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                entry = CatalogEntry();
                entry.context = context;
            } else if (name == QLatin1String("source")) {
                entry.source = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                entry.type = xml.attributes().value(QLatin1String("type")).toString();
                // Plain translation: its text; numerus: the <numerusform> children follow.
                if (xml.readNext() == QXmlStreamReader::Characters && !xml.isWhitespace())
                    entry.translations.append(xml.text().toString());
            } else if (name == QLatin1String("numerusform")) {
                entry.translations.append(xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            entries.append(entry);
        }
    }
    if (xml.hasError())
        entries.clear();
    return entries;
}

/// Words that read the same in German: names, units, abbreviations. A string whose words (of
/// three or more letters) are all in here, or that has none, needs no translation.
const QStringList kLanguageNeutral = {
    QStringLiteral("NWC"),     QStringLiteral("Workbench"), QStringLiteral("RTN"),
    QStringLiteral("GPTQ"),    QStringLiteral("LDLQ"),      QStringLiteral("PNG"),
    QStringLiteral("PDF"),     QStringLiteral("CSV"),       QStringLiteral("nats"),
    QStringLiteral("bpw"),     QStringLiteral("bpb"),       QStringLiteral("ppl"),
    QStringLiteral("MiB"),     QStringLiteral("min"),       QStringLiteral("Top"),
    QStringLiteral("English"), QStringLiteral("Deutsch"),   QStringLiteral("CPU"),
    QStringLiteral("GPU"),     QStringLiteral("CUDA"),
};

const QStringList kEnglishWords = {
    QStringLiteral("the"),      QStringLiteral("and"),      QStringLiteral("of"),
    QStringLiteral("to"),       QStringLiteral("with"),     QStringLiteral("from"),
    QStringLiteral("this"),     QStringLiteral("that"),     QStringLiteral("is"),
    QStringLiteral("are"),      QStringLiteral("not"),      QStringLiteral("no"),
    QStringLiteral("none"),     QStringLiteral("or"),       QStringLiteral("for"),
    QStringLiteral("at"),       QStringLiteral("by"),       QStringLiteral("on"),
    QStringLiteral("per"),      QStringLiteral("open"),     QStringLiteral("save"),
    QStringLiteral("choose"),   QStringLiteral("select"),   QStringLiteral("show"),
    QStringLiteral("run"),      QStringLiteral("compress"), QStringLiteral("cancel"),
    QStringLiteral("close"),    QStringLiteral("default"),  QStringLiteral("settings"),
    QStringLiteral("language"), QStringLiteral("file"),     QStringLiteral("folder"),
    QStringLiteral("model"),    QStringLiteral("models"),   QStringLiteral("weight"),
    QStringLiteral("weights"),  QStringLiteral("column"),   QStringLiteral("layer"),
    QStringLiteral("layers"),   QStringLiteral("error"),    QStringLiteral("failed"),
    QStringLiteral("cannot"),   QStringLiteral("loading"),  QStringLiteral("running"),
    QStringLiteral("help"),     QStringLiteral("view"),     QStringLiteral("quit"),
    QStringLiteral("about"),    QStringLiteral("export"),   QStringLiteral("rate"),
};

/// Widgets whose content is data, not interface text (prompts the demo models were trained on).
const QStringList kDataWidgets = {QStringLiteral("promptCombo")};

const QRegularExpression kPlaceholder(QStringLiteral("%L?(\\d+|n)"));

QRegularExpression patternFor(const QString &text) {
    QString pattern;
    qsizetype last = 0;
    auto it = kPlaceholder.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        pattern += QRegularExpression::escape(text.mid(last, match.capturedStart() - last));
        pattern += QStringLiteral("[\\s\\S]*?");
        last = match.capturedEnd();
    }
    pattern += QRegularExpression::escape(text.mid(last));
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

QString shownText(QString text) {
    if (Qt::mightBeRichText(text))
        text = QTextDocumentFragment::fromHtml(text).toPlainText();
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    text.replace(QChar::Nbsp, QLatin1Char(' '));
    return text.trimmed();
}

QStringList wordsOf(const QString &text) {
    static const QRegularExpression spec(QStringLiteral("\\b\\w+:\\w+\\b"));
    // Whole words only: symbols such as α_eff or log10 are not words.
    static const QRegularExpression word(QStringLiteral("\\b\\p{L}{3,}\\b"));
    QString copy = text;
    copy.remove(kPlaceholder);
    copy.remove(spec);
    QStringList words;
    auto it = word.globalMatch(copy);
    while (it.hasNext())
        words.append(it.next().captured(0));
    return words;
}

bool isLanguageNeutral(const QString &text) {
    const QStringList words = wordsOf(text);
    return std::all_of(words.begin(), words.end(),
                       [](const QString &word) { return kLanguageNeutral.contains(word); });
}

void Collector::add(const QString &where, const QString &text) {
    if (!text.trimmed().isEmpty())
        m_strings.append({where, text});
}

void Collector::addTree(QWidget *root) {
    const QString folder = qEnvironmentVariable("NWC_GERMAN_SCREENSHOTS");
    if (!folder.isEmpty() && root->isVisible()) {
        QString name = m_scene;
        name.replace(QLatin1Char(' '), QLatin1Char('-'));
        root->grab().save(QStringLiteral("%1/%2-%3.png").arg(folder, name).arg(++m_trees));
    }
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *widget : widgets)
        addWidget(widget);
}

void Collector::addAction(const QString &where, QAction *action) {
    if (action->isSeparator())
        return;
    const QString name = where + QStringLiteral(" › ") + shownText(action->text());
    add(name, action->text());
    if (action->toolTip() != shownText(action->text()))
        add(name + QStringLiteral(" (tool tip)"), action->toolTip());
    add(name + QStringLiteral(" (status tip)"), action->statusTip());
    if (QMenu *menu = action->menu())
        addMenu(name, menu);
}

void Collector::addMenu(const QString &where, QMenu *menu) {
    // Menus like Open Recent fill themselves when they are about to show.
    Q_EMIT menu->aboutToShow();
    const QList<QAction *> actions = menu->actions();
    for (QAction *action : actions)
        addAction(where, action);
}

namespace {

QString describe(QWidget *widget) {
    QString name = QString::fromLatin1(widget->metaObject()->className());
    if (!widget->objectName().isEmpty())
        name += QLatin1Char('#') + widget->objectName();
    return name;
}

bool isData(QWidget *widget) {
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        if (kDataWidgets.contains(w->objectName()))
            return true;
    }
    return false;
}

} // namespace

void Collector::addWidget(QWidget *widget) {
    if (isData(widget))
        return;
    const QString where = describe(widget);
    if (widget->isWindow() || qobject_cast<QDockWidget *>(widget))
        add(where + QStringLiteral(" (title)"), widget->windowTitle());
    add(where + QStringLiteral(" (tool tip)"), widget->toolTip());
    add(where + QStringLiteral(" (status tip)"), widget->statusTip());
    add(where + QStringLiteral(" (what's this)"), widget->whatsThis());
    if (auto *label = qobject_cast<QLabel *>(widget))
        add(where, label->text());
    if (auto *button = qobject_cast<QAbstractButton *>(widget))
        add(where, button->text());
    if (auto *group = qobject_cast<QGroupBox *>(widget))
        add(where, group->title());
    if (auto *tabs = qobject_cast<QTabBar *>(widget)) {
        for (int i = 0; i < tabs->count(); ++i) {
            add(where + QStringLiteral(" (tab)"), tabs->tabText(i));
            add(where + QStringLiteral(" (tab tool tip)"), tabs->tabToolTip(i));
        }
    }
    if (auto *combo = qobject_cast<QComboBox *>(widget)) {
        for (int i = 0; i < combo->count(); ++i) {
            add(where + QStringLiteral(" (item)"), combo->itemText(i));
            add(where + QStringLiteral(" (item tool tip)"),
                combo->itemData(i, Qt::ToolTipRole).toString());
        }
    }
    if (auto *edit = qobject_cast<QLineEdit *>(widget))
        add(where + QStringLiteral(" (placeholder)"), edit->placeholderText());
    if (auto *edit = qobject_cast<QTextEdit *>(widget))
        add(where + QStringLiteral(" (placeholder)"), edit->placeholderText());
    if (auto *edit = qobject_cast<QPlainTextEdit *>(widget))
        add(where + QStringLiteral(" (placeholder)"), edit->placeholderText());
    if (auto *spin = qobject_cast<QSpinBox *>(widget)) {
        add(where + QStringLiteral(" (prefix)"), spin->prefix());
        add(where + QStringLiteral(" (suffix)"), spin->suffix());
    }
    if (auto *spin = qobject_cast<QDoubleSpinBox *>(widget)) {
        add(where + QStringLiteral(" (prefix)"), spin->prefix());
        add(where + QStringLiteral(" (suffix)"), spin->suffix());
    }
    if (auto *spin = qobject_cast<QAbstractSpinBox *>(widget))
        add(where + QStringLiteral(" (special value)"), spin->specialValueText());
    if (auto *view = qobject_cast<QAbstractItemView *>(widget))
        addHeaders(where, view);
    if (auto *plot = qobject_cast<QCustomPlot *>(widget))
        addPlot(where, plot);
    if (auto *bar = qobject_cast<QMenuBar *>(widget)) {
        const QList<QAction *> actions = bar->actions();
        for (QAction *action : actions)
            addAction(where, action);
    } else if (!qobject_cast<QMenu *>(widget)) {
        // Context-menu and widget actions (a QMenu's own are reached through its action).
        const QList<QAction *> actions = widget->actions();
        for (QAction *action : actions)
            addAction(where, action);
    }
}

void Collector::addHeaders(const QString &where, QAbstractItemView *view) {
    const QAbstractItemModel *model = view->model();
    if (!model)
        return;
    for (int section = 0; section < model->columnCount(); ++section) {
        for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
            add(where + QStringLiteral(" (header)"),
                model->headerData(section, Qt::Horizontal, role).toString());
    }
}

void Collector::addPlot(const QString &where, QCustomPlot *plot) {
    const QList<QCPAxis *> axes = plot->axisRect() ? plot->axisRect()->axes() : QList<QCPAxis *>();
    for (QCPAxis *axis : axes)
        add(where + QStringLiteral(" (axis)"), axis->label());
    for (int i = 0; i < plot->plottableCount(); ++i)
        add(where + QStringLiteral(" (legend)"), plot->plottable(i)->name());
    for (int i = 0; i < plot->itemCount(); ++i) {
        if (auto *text = qobject_cast<QCPItemText *>(plot->item(i)))
            add(where + QStringLiteral(" (plot text)"), text->text());
    }
    const QList<QCPLayoutElement *> elements = plot->plotLayout()->elements(true);
    for (QCPLayoutElement *element : elements) {
        if (auto *text = qobject_cast<QCPTextElement *>(element))
            add(where + QStringLiteral(" (plot title)"), text->text());
    }
}

} // namespace nwc::testing
