// The German interface: with the German catalogs installed, the main window, its dialogs, the
// about box, the guided tour, the generation pane and the analysis docks (after a real
// calibration and sweep) show no English string of the sources untranslated, the menus'
// accelerators do not clash, the catalog itself is complete, and Settings stores the language
// and offers the compute devices of this build (on a CPU LibTorch: the CPU only, with the reason).
//
// A new dialog or view is checked by adding a Scene to scenes(): a name and a function that
// opens it on the window (with demo:student open) and collects what it shows.
// NWC_DUMP_UI_STRINGS=1 prints every string a scene showed; NWC_GERMAN_SCREENSHOTS=<folder>
// saves a picture of each (run under xvfb-run to see real window sizes).
#include "analysis/sweepsession.h"
#include "compressdialog.h"
#include "compressionjob.h"
#include "compressionsummarydialog.h"
#include "compute/computedevices.h"
#include "customplot.h"
#include "generationpane.h"
#include "guidedtour.h"
#include "guitesting.h"
#include "io/checkpoint.h"
#include "jobs/error.h"
#include "languagesetup.h"
#include "lm/languagemodel.h"
#include "mainwindow.h"
#include "samplecompression.h"
#include "settingsdialog.h"
#include "sweepdialog.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>
#include <QTextEdit>
#include <QTimer>
#include <QXmlStreamReader>
#include <algorithm>
#include <functional>

using namespace nwc;

namespace {

/// One message of the German catalog.
struct CatalogEntry {
    QString context;
    QString source;
    QStringList translations; ///< one, or the numerus forms
    QString type;             ///< "" when finished, else "unfinished", "vanished", "obsolete"
};

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

/// Words that mark a string as English (not German) when no catalog string explains it.
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

/// Matches a catalog text whatever its placeholders (%1, %L1, %n) were replaced with.
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

/// The text a user sees: mnemonics removed, rich text as plain text, trimmed.
QString shownText(QString text) {
    if (Qt::mightBeRichText(text))
        text = QTextDocumentFragment::fromHtml(text).toPlainText();
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    text.replace(QChar::Nbsp, QLatin1Char(' '));
    return text.trimmed();
}

/// The words (three or more letters) of a text, without placeholders and model specs
/// ("demo:student").
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

/// True when `text` reads the same in German: it has no word, or only neutral ones.
bool isLanguageNeutral(const QString &text) {
    const QStringList words = wordsOf(text);
    return std::all_of(words.begin(), words.end(),
                       [](const QString &word) { return kLanguageNeutral.contains(word); });
}

/// What one scene showed: each string with where it was seen.
class Collector {
public:
    /// With NWC_GERMAN_SCREENSHOTS=<folder>, every walked tree is also saved there as
    /// <scene>-<n>.png, to check by eye that the German texts fit.
    explicit Collector(const QString &scene)
        : m_scene(scene) {}

    void add(const QString &where, const QString &text) {
        if (!text.trimmed().isEmpty())
            m_strings.append({where, text});
    }

    /// Everything a widget tree shows: titles, labels, buttons, tool tips, combo items, tabs,
    /// placeholders, spin box affixes, item view headers, plot texts, actions and menus.
    void addTree(QWidget *root) {
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

    void addAction(const QString &where, QAction *action) {
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

    void addMenu(const QString &where, QMenu *menu) {
        // Menus like Open Recent fill themselves when they are about to show.
        Q_EMIT menu->aboutToShow();
        const QList<QAction *> actions = menu->actions();
        for (QAction *action : actions)
            addAction(where, action);
    }

    const QVector<QPair<QString, QString>> &strings() const { return m_strings; }

private:
    static QString describe(QWidget *widget) {
        QString name = QString::fromLatin1(widget->metaObject()->className());
        if (!widget->objectName().isEmpty())
            name += QLatin1Char('#') + widget->objectName();
        return name;
    }

    static bool isData(QWidget *widget) {
        for (QWidget *w = widget; w; w = w->parentWidget()) {
            if (kDataWidgets.contains(w->objectName()))
                return true;
        }
        return false;
    }

    void addWidget(QWidget *widget) {
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

    void addHeaders(const QString &where, QAbstractItemView *view) {
        const QAbstractItemModel *model = view->model();
        if (!model)
            return;
        for (int section = 0; section < model->columnCount(); ++section) {
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole)})
                add(where + QStringLiteral(" (header)"),
                    model->headerData(section, Qt::Horizontal, role).toString());
        }
    }

    void addPlot(const QString &where, QCustomPlot *plot) {
        const QList<QCPAxis *> axes =
            plot->axisRect() ? plot->axisRect()->axes() : QList<QCPAxis *>();
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

    QString m_scene;
    int m_trees = 0;
    QVector<QPair<QString, QString>> m_strings;
};

/// A window or view to check: `open` shows it on `window` (demo:student open) and hands what it
/// shows to the collector, then closes it again.
struct Scene {
    QString name;
    std::function<void(MainWindow &window, Collector &collector)> open;
};

/// Triggers `action`, collects the dialog of type T it opens, and closes it.
template <typename T>
void collectDialog(MainWindow &window, QAction *action, Collector &collector) {
    QVERIFY(action);
    QVERIFY2(action->isEnabled(), qPrintable(action->toolTip()));
    action->trigger();
    T *dialog = nullptr;
    QTRY_VERIFY((dialog = test::visibleChild<T>(window)) != nullptr);
    QVERIFY(QTest::qWaitForWindowExposed(dialog));
    collector.addTree(dialog);
    dialog->reject();
}

QAction *actionWithRole(MainWindow &window, QAction::MenuRole role) {
    const QList<QAction *> actions = window.findChildren<QAction *>();
    for (QAction *action : actions) {
        if (action->menuRole() == role)
            return action;
    }
    return nullptr;
}

/// A compression summary with made-up but consistent numbers.
CompressionJobResult sampleResult() {
    return test::sampleCompressionResult(
        QStringLiteral("demo:student"), QStringLiteral("/tmp/student-4bpw-nwc.nwc"),
        {test::sampleTensorRow(QStringLiteral("model.layers.0.self_attn.q_proj.weight"), 256, 256,
                               CompressionMethod::Nwc, 33000),
         test::sampleTensorRow(QStringLiteral("model.layers.0.mlp.up_proj.weight"), 256, 256,
                               CompressionMethod::Rtn, 33000)},
        5.2e5, 5.25e5, 700000);
}

/// Every scene the test opens. Add new dialogs and views here.
const QVector<Scene> &scenes() {
    static const QVector<Scene> list = {
        {QStringLiteral("main window"),
         [](MainWindow &window, Collector &collector) { collector.addTree(&window); }},
        {QStringLiteral("compress dialog"),
         [](MainWindow &window, Collector &collector) {
             collectDialog<CompressDialog>(window, window.compressAction(), collector);
         }},
        {QStringLiteral("sweep dialog"),
         [](MainWindow &window, Collector &collector) {
             collectDialog<SweepDialog>(window, window.sweepAction(), collector);
         }},
        {QStringLiteral("settings dialog"),
         [](MainWindow &window, Collector &collector) {
             collectDialog<SettingsDialog>(window, window.settingsAction(), collector);
         }},
        {QStringLiteral("about box"),
         [](MainWindow &window, Collector &collector) {
             QAction *about = actionWithRole(window, QAction::AboutRole);
             QVERIFY(about);
             // QMessageBox::about() runs its own event loop: collect and close from inside it.
             bool seen = false;
             QTimer::singleShot(0, &window, [&collector, &seen] {
                 QWidget *box = QApplication::activeModalWidget();
                 if (!box)
                     return;
                 seen = true;
                 collector.addTree(box);
                 box->close();
             });
             about->trigger();
             QVERIFY(seen);
         }},
        {QStringLiteral("guided tour"),
         [](MainWindow &window, Collector &collector) {
             window.guidedTourAction()->trigger();
             QDockWidget *dock = window.guidedTourDock();
             QVERIFY(dock);
             QTRY_VERIFY(dock->isVisible());
             collector.addTree(dock);
             // Every step's texts, without running the steps.
             const GuidedTour *tour = window.guidedTour();
             for (int step = 0; step < tour->stepCount(); ++step) {
                 const QString where = QStringLiteral("tour step %1").arg(step);
                 collector.add(where + QStringLiteral(" (title)"), tour->title(step));
                 collector.add(where + QStringLiteral(" (explanation)"), tour->explanation(step));
                 if (tour->hasAction(step))
                     collector.add(where + QStringLiteral(" (action)"), tour->actionText(step));
             }
             dock->close();
         }},
        {QStringLiteral("importance computed"),
         [](MainWindow &window, Collector &collector) {
             QSignalSpy computed(&window, &MainWindow::importanceComputed);
             QVERIFY(window.computeImportance() != 0);
             QVERIFY(computed.wait(120000));
             window.importanceDock()->raise();
             collector.addTree(window.importanceDock());
             collector.add(QStringLiteral("status bar"), window.statusBar()->currentMessage());
         }},
        {QStringLiteral("sweep finished"),
         [](MainWindow &window, Collector &collector) {
             static QTemporaryDir folder;
             QVERIFY(folder.isValid());
             const SweepSettings settings = test::quickDemoSweep(
                 {QStringLiteral("rtn"), QStringLiteral("nwc"), QStringLiteral("nwc+ldlq")});
             QSignalSpy finished(&window, &MainWindow::sweepFinished);
             QSignalSpy failed(&window, &MainWindow::sweepFailed);
             QVERIFY(window.startSweep(settings, folder.filePath(QStringLiteral("sweep.h5"))) != 0);
             QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() || !failed.isEmpty(), 240000);
             QVERIFY2(failed.isEmpty(), qPrintable(failed.value(0).value(0).toString()));
             collector.add(QStringLiteral("status bar"), window.statusBar()->currentMessage());
             for (QDockWidget *dock : {window.rateDistortionDock(), window.compensationDock()}) {
                 dock->raise();
                 collector.addTree(dock);
             }
         }},
        {QStringLiteral("compression summary"),
         [](MainWindow &window, Collector &collector) {
             CompressionSummaryDialog dialog(sampleResult(), &window);
             dialog.show();
             QVERIFY(QTest::qWaitForWindowExposed(&dialog));
             collector.addTree(&dialog);
         }},
        {QStringLiteral("generation pane after a generation"),
         [](MainWindow &window, Collector &collector) {
             GenerationPane *pane = window.generationPane();
             SamplingSettings sampling = pane->settings();
             sampling.maxTokens = 12;
             pane->setSettings(sampling);
             QSignalSpy finished(pane, &GenerationPane::generationFinished);
             pane->generate();
             QVERIFY(finished.wait(60000));
             collector.addTree(pane);
         }},
    };
    return list;
}

bool demoModelsInstalled() {
    return test::demoModelInstalled(QStringLiteral("demo:student"));
}

} // namespace

class TestGermanUi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void catalogIsComplete();
    void showsNoEnglish_data();
    void showsNoEnglish();
    void menuAcceleratorsAreUnique();
    void settingsStoreTheLanguage();
    void settingsOfferTheComputeDevices();

private:
    /// Strings of `collector` that are English sources shown untranslated, or English text
    /// that no catalog entry explains; one line each.
    QStringList untranslated(const Collector &collector, const QString &scene) const;

    QVector<CatalogEntry> m_catalog;
    /// Source patterns of the entries whose German differs from the English.
    QVector<QPair<QRegularExpression, QString>> m_sourcePatterns;
    /// Patterns of every German translation (what the interface should show).
    QVector<QRegularExpression> m_translationPatterns;
    /// Names of the open models, shown as they are.
    QStringList m_dataStrings;
    MainWindow *m_window = nullptr;
};

void TestGermanUi::initTestCase() {
    test::useTestSettings("tst_germanui");
    QSettings().clear();

    m_catalog = readCatalog(QStringLiteral(NWC_GERMAN_CATALOG));
    QVERIFY2(!m_catalog.isEmpty(), "cannot read " NWC_GERMAN_CATALOG);
    for (const CatalogEntry &entry : m_catalog) {
        for (const QString &translation : entry.translations) {
            if (!translation.isEmpty())
                m_translationPatterns.append(patternFor(shownText(translation)));
        }
        if (!isLanguageNeutral(entry.source) && !entry.translations.contains(entry.source))
            m_sourcePatterns.append({patternFor(shownText(entry.source)), entry.source});
    }

    const InstalledTranslations installed =
        installTranslators(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(installed.language, QStringLiteral("de"));
    QVERIFY2(installed.qtCatalog, "Qt's German catalog (qtbase_de.qm) is missing: install "
                                  "qt6-translations-l10n (packaging/setup-debian.sh)");
    QVERIFY(availableTranslations().contains(QStringLiteral("de")));

    // The window tests need the demo models; the catalog and settings tests run without.
    if (!demoModelsInstalled())
        return;
    m_window = new MainWindow;
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QSignalSpy opened(m_window, &MainWindow::modelOpened);
    m_window->openModel(QStringLiteral("demo:student"));
    QVERIFY(opened.wait(60000));
    QVERIFY(m_window->currentModel().languageModel);
    // The default teacher (demo:teacher) loads in a job of its own.
    QTRY_VERIFY_WITH_TIMEOUT(m_window->generationPane()->teacher(), 60000);
    // The open model's names are data, not interface text ("student" is also a source string).
    const WorkbenchModel &model = m_window->currentModel();
    m_dataStrings = {model.spec, model.checkpoint->displayName(),
                     m_window->generationPane()->teacherSpec()};
    if (LanguageModelPtr teacher = m_window->generationPane()->teacher())
        m_dataStrings.append(teacher->displayName());
}

void TestGermanUi::cleanupTestCase() {
    delete m_window;
    m_window = nullptr;
}

void TestGermanUi::catalogIsComplete() {
    static const QRegularExpression placeholder(QStringLiteral("%L?(\\d+|n)"));
    auto placeholders = [](const QString &text) {
        QStringList found;
        auto it = placeholder.globalMatch(text);
        while (it.hasNext())
            found.append(it.next().captured(0).remove(QLatin1Char('L')));
        found.sort();
        found.removeDuplicates();
        return found;
    };
    QStringList problems;
    for (const CatalogEntry &entry : m_catalog) {
        const QString where =
            entry.context + QStringLiteral(": \"") + entry.source + QLatin1Char('"');
        if (!entry.type.isEmpty()) {
            problems.append(where + QStringLiteral(" is ") + entry.type);
            continue;
        }
        const bool numerus = entry.source.contains(QStringLiteral("%n"));
        if (entry.translations.isEmpty() || (numerus && entry.translations.size() != 2)) {
            problems.append(where + QStringLiteral(" lacks a translation (or a plural form)"));
            continue;
        }
        for (const QString &translation : entry.translations) {
            if (translation.isEmpty())
                problems.append(where + QStringLiteral(" has an empty translation"));
            else if (translation == entry.source && !isLanguageNeutral(entry.source))
                problems.append(where + QStringLiteral(" is still English"));
            else if (placeholders(translation) != placeholders(entry.source))
                problems.append(where + QStringLiteral(": placeholders differ in \"") +
                                translation + QLatin1Char('"'));
            else if (entry.source.count(QLatin1Char('&')) -
                             entry.source.count(QStringLiteral("&&")) * 2 >
                         0 &&
                     translation.count(QLatin1Char('&')) -
                             translation.count(QStringLiteral("&&")) * 2 !=
                         1)
                problems.append(where + QStringLiteral(": the accelerator (&) is missing in \"") +
                                translation + QLatin1Char('"'));
        }
    }
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("\n  ") + problems.join(QStringLiteral("\n  "))));
}

void TestGermanUi::showsNoEnglish_data() {
    QTest::addColumn<int>("scene");
    for (int i = 0; i < scenes().size(); ++i)
        QTest::newRow(qPrintable(scenes().at(i).name)) << i;
}

void TestGermanUi::showsNoEnglish() {
    QFETCH(int, scene);
    if (!m_window)
        QSKIP("the demo models are not built (nwc train-demo)");
    Collector collector(scenes().at(scene).name);
    scenes().at(scene).open(*m_window, collector);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!collector.strings().isEmpty());
    // NWC_DUMP_UI_STRINGS=1 lists everything a scene showed, to review what the walk reaches.
    if (qEnvironmentVariableIsSet("NWC_DUMP_UI_STRINGS")) {
        for (const auto &[where, text] : collector.strings())
            qInfo().noquote() << where << "|" << shownText(text);
    }
    const QStringList problems = untranslated(collector, scenes().at(scene).name);
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("\n  ") + problems.join(QStringLiteral("\n  "))));
}

QStringList TestGermanUi::untranslated(const Collector &collector, const QString &scene) const {
    QStringList problems;
    auto translated = [this](const QString &text) {
        for (const QRegularExpression &pattern : m_translationPatterns) {
            if (pattern.match(text).hasMatch())
                return true;
        }
        return false;
    };
    for (const auto &[where, raw] : collector.strings()) {
        const QString text = shownText(raw);
        // Judge the whole string and its lines and " · "-separated parts, which are often
        // built from separate messages.
        QStringList pieces = {text};
        static const QRegularExpression separators(QStringLiteral("\\n| · "));
        const QStringList parts = text.split(separators, Qt::SkipEmptyParts);
        if (parts.size() > 1)
            pieces += parts;
        for (QString piece : pieces) {
            piece = piece.trimmed();
            if (piece.isEmpty() || isLanguageNeutral(piece) || m_dataStrings.contains(piece))
                continue;
            QString source;
            for (const auto &[pattern, english] : m_sourcePatterns) {
                if (pattern.match(piece).hasMatch()) {
                    source = english;
                    break;
                }
            }
            const bool german = translated(piece);
            if (!source.isEmpty() && !german) {
                problems.append(QStringLiteral("%1: %2: \"%3\" is the untranslated \"%4\"")
                                    .arg(scene, where, piece, source));
                break;
            }
            if (german || piece != text)
                continue;
            // Not from the catalog at all: flag it when it reads like English.
            QStringList english;
            const QStringList words = piece.split(QRegularExpression(QStringLiteral("\\s+")));
            for (QString word : words) {
                static const QRegularExpression punctuation(QStringLiteral("^\\W+|\\W+$"));
                word.remove(punctuation);
                if (kEnglishWords.contains(word.toLower()))
                    english.append(word);
            }
            if (!english.isEmpty())
                problems.append(QStringLiteral("%1: %2: \"%3\" is not in the catalog and reads as "
                                               "English (%4)")
                                    .arg(scene, where, piece, english.join(QStringLiteral(", "))));
        }
    }
    problems.removeDuplicates();
    return problems;
}

void TestGermanUi::menuAcceleratorsAreUnique() {
    if (!m_window)
        QSKIP("the demo models are not built (nwc train-demo)");
    QStringList problems;
    std::function<void(const QString &, const QList<QAction *> &)> check =
        [&](const QString &where, const QList<QAction *> &actions) {
            QMap<QChar, QString> taken;
            for (QAction *action : actions) {
                if (action->isSeparator())
                    continue;
                const QString text = action->text();
                static const QRegularExpression mnemonic(QStringLiteral("&([^&\\s])"));
                const QRegularExpressionMatch match = mnemonic.match(text);
                if (match.hasMatch()) {
                    const QChar key = match.captured(1).at(0).toLower();
                    if (taken.contains(key))
                        problems.append(QStringLiteral("%1: \"%2\" and \"%3\" share Alt+%4")
                                            .arg(where, taken.value(key), text, key.toUpper()));
                    taken.insert(key, text);
                }
                if (QMenu *menu = action->menu()) {
                    Q_EMIT menu->aboutToShow();
                    check(shownText(action->text()), menu->actions());
                }
            }
        };
    check(QStringLiteral("menu bar"), m_window->menuBar()->actions());
    QVERIFY2(problems.isEmpty(),
             qPrintable(QStringLiteral("\n  ") + problems.join(QStringLiteral("\n  "))));
}

void TestGermanUi::settingsStoreTheLanguage() {
    setLanguageSetting(QString());
    SettingsDialog dialog;
    QComboBox *combo = dialog.languageCombo();
    QCOMPARE(combo->count(), 3); // system default, English, Deutsch
    QCOMPARE(dialog.selectedLanguage(), QString());
    combo->setCurrentIndex(combo->findData(QStringLiteral("de")));
    QCOMPARE(combo->currentText(), QStringLiteral("Deutsch"));
    dialog.accept();
    QCOMPARE(languageSetting(), QStringLiteral("de"));
    QCOMPARE(interfaceLocale().language(), QLocale::German);

    SettingsDialog again;
    QCOMPARE(again.selectedLanguage(), QStringLiteral("de"));
    again.languageCombo()->setCurrentIndex(0);
    again.accept();
    QVERIFY(languageSetting().isEmpty());
    QVERIFY(!QSettings().contains(QStringLiteral("language")));
    QCOMPARE(interfaceLocale(), QLocale::system());
}

void TestGermanUi::settingsOfferTheComputeDevices() {
    const QString key = QStringLiteral("compute/device");
    QSettings().remove(key);
    QCOMPARE(computeDeviceSetting(), QStringLiteral("cpu"));
    const ComputeDevices available = availableComputeDevices();
    SettingsDialog dialog;
    QComboBox *combo = dialog.deviceCombo();
    QCOMPARE(combo->count(), available.devices.size());
    QCOMPARE(dialog.selectedDevice(), QStringLiteral("cpu"));
    QCOMPARE(combo->currentText(), QStringLiteral("CPU"));
    QVERIFY(!dialog.deviceNote()->text().isEmpty());
    if (available.cuda == CudaAvailability::Available) {
        QVERIFY(combo->isEnabled());
    } else {
        // A CPU LibTorch: the CPU only, disabled, and the reason beside it and as tool tip.
        QCOMPARE(combo->count(), 1);
        QVERIFY(!combo->isEnabled());
        const QString reason = dialog.deviceNote()->text();
        QVERIFY2(reason.contains(QStringLiteral("CUDA")), qPrintable(reason));
        QVERIFY2(reason.contains(available.libTorchVersion), qPrintable(reason));
        QCOMPARE(reason, available.cudaUnavailableReason());
        QCOMPARE(combo->toolTip(), reason);
        QCOMPARE(dialog.deviceNote()->toolTip(), reason);
        // In German: the catalog's sentence, not the English source.
        QVERIFY2(!reason.contains(QStringLiteral("rebuild")), qPrintable(reason));
    }

    // A stored device this build cannot use (a GPU that is gone) is read as the CPU, by the
    // jobs and by the dialog; OK on a disabled combo keeps it, so it applies again when the
    // GPU is back.
    const QString gone = QStringLiteral("cuda:3");
    if (available.contains(gone))
        QSKIP("this machine has a fourth GPU");
    QSettings().setValue(key, gone);
    QCOMPARE(computeDeviceSetting(), QStringLiteral("cpu"));
    QCOMPARE(guiComputeOptions().device, QStringLiteral("cpu"));
    QCOMPARE(guiComputeOptions(), ComputeOptions());
    SettingsDialog stored;
    QCOMPARE(stored.selectedDevice(), QStringLiteral("cpu"));
    stored.accept();
    QCOMPARE(QSettings().value(key).toString(),
             stored.deviceCombo()->isEnabled() ? QStringLiteral("cpu") : gone);
    QSettings().remove(key);
}

QTEST_MAIN(TestGermanUi)
#include "tst_germanui.moc"
