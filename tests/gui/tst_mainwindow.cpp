// MainWindow: opening models in jobs, errors, recent models, drag and drop, docks, settings.
#include "decode/heldoutarithmetic.h"
#include "generationpane.h"
#include "guitesting.h"
#include "mainwindow.h"
#include "modelbrowser.h"

#include <QAction>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <QUrl>

using namespace nwc;

namespace {

const QString kTinyRandom = QStringLiteral(NWC_EXTERNAL_DIR "/tiny-random-llama-2-hf");
const QString kStories = QStringLiteral(NWC_EXTERNAL_DIR "/llama2c-stories260K/stories260K.bin");

using test::menuNamed;

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void hasDocksAndMenus();
    void opensCheckpointForBrowsing();
    void showsTensorsBeforeTheRuntimeLoads();
    void brokenModelKeepsPreviousOne();
    void mismatchesShowDialogsWithDetails();
    void missingRecentEntryIsRemoved();
    void droppedFolderOpens();
    void selectsTensorOnceOpen();
    void runnableModelEnablesGeneration();
    void firstStartOpensDemoStudent();
    void geometryIsSaved();
    void collaborativeChoicesPersist();
};

void TestMainWindow::initTestCase() {
    test::useTestSettings("tst_mainwindow");
    if (!QFileInfo::exists(kTinyRandom + QStringLiteral("/model.safetensors")))
        QSKIP("tiny-random-llama-2-hf is not in the external test data");
}

void TestMainWindow::init() {
    QSettings().clear();
}

void TestMainWindow::hasDocksAndMenus() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QList<QDockWidget *> docks = window.findChildren<QDockWidget *>();
    QCOMPARE(docks.size(), 5); // browser, jobs, importance, rate–distortion, compensation
    for (const QString &name : {QStringLiteral("File"), QStringLiteral("View"),
                                QStringLiteral("Help"), QStringLiteral("Open Recent")})
        QVERIFY2(menuNamed(window, name), qPrintable(name));
    QMenu *view = menuNamed(window, QStringLiteral("View"));
    QCOMPARE(view->actions().size(), 7); // the five docks, a separator, Presentation Mode
    QVERIFY(view->actions().contains(window.presentationModeAction()));
    QDockWidget *dock = docks.first();
    QVERIFY(dock->isVisible());
    for (QAction *action : view->actions()) {
        if (action == dock->toggleViewAction())
            action->trigger();
    }
    QVERIFY(!dock->isVisible());
    // Without a model (and for features of later milestones) the actions say why they are off.
    QMenu *compress = menuNamed(window, QStringLiteral("Compress"));
    QVERIFY(compress);
    for (QAction *action : compress->actions()) {
        if (action->isSeparator())
            continue;
        QVERIFY(!action->isEnabled());
        QVERIFY(!action->toolTip().isEmpty());
    }
}

void TestMainWindow::opensCheckpointForBrowsing() {
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(kTinyRandom);
    QVERIFY(opened.wait(20000));
    const WorkbenchModel &model = window.currentModel();
    QVERIFY(model.checkpoint);
    QVERIFY(!model.languageModel); // no tokenizer beside it
    QVERIFY(model.generationUnavailable.contains(QStringLiteral("tokenizer")));
    QVERIFY(!window.generationPane()->model());
    QCOMPARE(window.modelBrowser()->view()->model()->rowCount(), 5);
    QCOMPARE(QFileInfo(window.recentModels().value(0)).canonicalFilePath(),
             QFileInfo(kTinyRandom).canonicalFilePath());
    QVERIFY(window.windowTitle().contains(model.checkpoint->displayName()));
}

void TestMainWindow::showsTensorsBeforeTheRuntimeLoads() {
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    // The state at the moment the tensor tree appears.
    bool loading = false;
    bool runnable = true;
    int rows = 0;
    connect(&window, &MainWindow::checkpointOpened, this, [&] {
        loading = window.currentModel().runtimeLoading;
        runnable = bool(window.currentModel().languageModel);
        rows = window.modelBrowser()->view()->model()->rowCount();
    });
    window.openModel(QStringLiteral("demo:teacher"));
    QVERIFY(opened.wait(20000));
    QVERIFY(loading);
    QVERIFY(!runnable);
    QVERIFY(rows > 0);
    // Then the runtime, on the same checkpoint object (its file is mapped once).
    const WorkbenchModel &model = window.currentModel();
    QVERIFY(!model.runtimeLoading);
    QVERIFY(model.languageModel);
    QCOMPARE(model.languageModel->checkpoint(), model.checkpoint);
    QCOMPARE(window.generationPane()->model(), model.languageModel);
    QCOMPARE(window.modelBrowser()->view()->model()->rowCount(), rows);
}

void TestMainWindow::brokenModelKeepsPreviousOne() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy failed(&window, &MainWindow::modelOpenFailed);
    window.openModel(kTinyRandom);
    QVERIFY(opened.wait(20000));

    QTemporaryDir dir;
    const QString broken = dir.filePath(QStringLiteral("broken.safetensors"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("\x10\x00\x00\x00\x00\x00\x00\x00{not json at all", 24);
    file.close();
    window.openModel(broken);
    QVERIFY(failed.wait(20000));
    const QString message = failed.last().at(1).toString();
    QVERIFY(!message.isEmpty());
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = test::visibleChild<QMessageBox>(window)) != nullptr);
    QVERIFY(box->text().contains(message));
    box->accept();
    QCOMPARE(window.currentModel().spec, kTinyRandom); // still open
    QCOMPARE(window.modelBrowser()->view()->model()->rowCount(), 5);
}

void TestMainWindow::mismatchesShowDialogsWithDetails() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy failed(&window, &MainWindow::modelOpenFailed);

    // Too large for the memory available: opened for browsing, and a dialog says why.
    qputenv("NWC_MEMORY_LIMIT", "4M");
    window.openModel(QStringLiteral("demo:teacher"));
    const bool openedInTime = opened.wait(20000);
    qunsetenv("NWC_MEMORY_LIMIT");
    QVERIFY(openedInTime);
    QVERIFY(window.currentModel().checkpoint);
    QVERIFY(!window.currentModel().languageModel);
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = test::visibleChild<QMessageBox>(window)) != nullptr);
    QCOMPARE(box->windowTitle(), QStringLiteral("Not Enough Memory"));
    QVERIFY2(box->text().contains(QLatin1String("needs 14.75 MB")), qPrintable(box->text()));
    QVERIFY(box->informativeText().contains(QLatin1String("one tensor at a time")));
    QVERIFY2(box->detailedText().contains(QLatin1String("memory available: 4.19 MB")),
             qPrintable(box->detailedText()));
    box->accept();
    QTRY_VERIFY(!test::visibleChild<QMessageBox>(window));

    // An architecture the runtime lacks: the model stays closed, the dialog lists the supported.
    QTemporaryDir dir;
    QFile config(dir.filePath(QStringLiteral("config.json")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(R"({"architectures": ["MambaForCausalLM"], "model_type": "mamba"})");
    config.close();
    QFile weights(dir.filePath(QStringLiteral("model.safetensors")));
    QVERIFY(weights.open(QIODevice::WriteOnly));
    weights.write(QByteArray("\x02\x00\x00\x00\x00\x00\x00\x00{}", 10));
    weights.close();
    window.openModel(dir.path());
    QVERIFY(failed.wait(20000));
    QTRY_VERIFY((box = test::visibleChild<QMessageBox>(window)) != nullptr);
    QCOMPARE(box->windowTitle(), QStringLiteral("Unsupported Architecture"));
    QVERIFY2(box->text().contains(QLatin1String("MambaForCausalLM")), qPrintable(box->text()));
    QVERIFY2(box->detailedText().contains(QLatin1String("\"model_type\": mamba")) &&
                 box->detailedText().contains(QLatin1String("LlamaForCausalLM")),
             qPrintable(box->detailedText()));
    box->accept();
    QCOMPARE(window.currentModel().spec, QStringLiteral("demo:teacher"));
}

void TestMainWindow::missingRecentEntryIsRemoved() {
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("gone"));
    QSettings().setValue(QStringLiteral("recentModels"), QStringList{missing, kTinyRandom});
    MainWindow window;
    window.show();
    QCOMPARE(window.recentModels().size(), 2);
    QMenu *recent = menuNamed(window, QStringLiteral("Open Recent"));
    QVERIFY(recent);
    Q_EMIT recent->aboutToShow();
    QAction *entry = nullptr;
    for (QAction *action : recent->actions()) {
        if (action->toolTip() == missing)
            entry = action;
    }
    QVERIFY(entry);
    entry->trigger();
    QCOMPARE(window.recentModels().size(), 1);
    QVERIFY(!window.recentModels().contains(missing));
    QVERIFY(!QSettings().value(QStringLiteral("recentModels")).toStringList().contains(missing));
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = test::visibleChild<QMessageBox>(window)) != nullptr);
    QVERIFY(box->text().contains(missing));
    box->accept();
}

void TestMainWindow::droppedFolderOpens() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(kTinyRandom)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &drop);
    QVERIFY(opened.wait(20000));
    QCOMPARE(opened.last().at(0).toString(), kTinyRandom);
}

void TestMainWindow::selectsTensorOnceOpen() {
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy shown(window.modelBrowser(), &ModelBrowser::statisticsShown);
    const QString tensor = QStringLiteral("model.layers.1.self_attn.q_proj.weight");
    window.openModel(kTinyRandom);
    window.selectTensorWhenOpen(tensor);
    QVERIFY(opened.wait(20000));
    QCOMPARE(window.modelBrowser()->currentTensor(), tensor);
    QVERIFY(shown.wait(20000) || !shown.isEmpty());
}

void TestMainWindow::runnableModelEnablesGeneration() {
    if (!QFileInfo::exists(kStories))
        QSKIP("stories260K is not in the external test data");
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    window.openModel(kStories);
    QVERIFY(opened.wait(30000));
    QVERIFY(window.currentModel().languageModel);
    QVERIFY(window.generationPane()->model());
    QVERIFY(window.currentModel().generationUnavailable.isEmpty());
}

void TestMainWindow::firstStartOpensDemoStudent() {
    MainWindow window;
    window.show();
    QSignalSpy opened(&window, &MainWindow::modelOpened);
    QSignalSpy failed(&window, &MainWindow::modelOpenFailed);
    window.openInitialModel();
    QTRY_VERIFY_WITH_TIMEOUT(!opened.isEmpty() || !failed.isEmpty(), 60000);
    if (!failed.isEmpty()) {
        // Not trained yet: the window keeps working and says why, without a modal dialog.
        QVERIFY(!test::visibleChild<QMessageBox>(window));
        QVERIFY(window.generationPane()->isEnabled());
        QSKIP("the demo models are not built (run 'nwc train-demo')");
    }
    QCOMPARE(opened.last().at(0).toString(), QStringLiteral("demo:student"));
    QVERIFY(window.currentModel().languageModel);
    QCOMPARE(window.recentModels().value(0), QStringLiteral("demo:student"));
    // The generation pane steers it with the demo teacher, with no setup.
    GenerationPane *pane = window.generationPane();
    QCOMPARE(pane->teacherSpec(), QStringLiteral("demo:teacher"));

    // Its prompt is the short-answer set's showcase question: pressing Generate shows the
    // student alone answering wrong and the steered student right, with flipped tokens.
    const BuiltInQaSet &set = builtInQaSets().first();
    QString prompt;
    const QaItem question = builtInQuestion(set, set.showcaseQuestion, &prompt);
    QCOMPARE(pane->prompt(), prompt);
    QCOMPARE(pane->settings().temperature, 0.0);
    QTRY_VERIFY_WITH_TIMEOUT(pane->teacher() != nullptr, 60000);
    QSignalSpy finished(pane, &GenerationPane::generationFinished);
    pane->generate();
    QVERIFY(finished.wait(60000));
    QVERIFY2(!answersBuiltInQuestion(set, question, pane->completion()),
             qPrintable(pane->completion()));
    QVERIFY2(answersBuiltInQuestion(set, question, pane->collaborativeCompletion()),
             qPrintable(pane->collaborativeCompletion()));
    int flipped = 0;
    for (const StepTrace &step : pane->collaborativeSteps())
        flipped += step.flipped ? 1 : 0;
    QVERIFY(flipped > 0);
}

void TestMainWindow::geometryIsSaved() {
    {
        MainWindow window;
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.close();
    }
    QVERIFY(!QSettings().value(QStringLiteral("mainWindow/geometry")).toByteArray().isEmpty());
    QVERIFY(!QSettings().value(QStringLiteral("mainWindow/state")).toByteArray().isEmpty());
}

/// The teacher, α, N, τ and rule come back in the next session; a saved teacher is loaded only
/// once a model is open.
void TestMainWindow::collaborativeChoicesPersist() {
    {
        MainWindow window;
        CollaborativeSettings chosen;
        chosen.mode = CollaborativeMode::GatedAlpha;
        chosen.alpha = 1.5;
        chosen.steeredTokens = 3;
        chosen.tau = 0.75;
        window.generationPane()->setCollaborativeSettings(chosen);
        window.generationPane()->restoreTeacherSpec(QStringLiteral("demo:student"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.close();
    }
    MainWindow window;
    const CollaborativeSettings restored = window.generationPane()->collaborativeSettings();
    QCOMPARE(restored.mode, CollaborativeMode::GatedAlpha);
    QCOMPARE(restored.alpha, 1.5);
    QCOMPARE(restored.steeredTokens, 3);
    QCOMPARE(restored.tau, 0.75);
    QCOMPARE(window.generationPane()->teacherSpec(), QStringLiteral("demo:student"));
    QVERIFY(!window.generationPane()->teacher());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
