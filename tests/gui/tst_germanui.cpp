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
#include "uistrings.h"

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
using namespace nwc::testing;

namespace {

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
