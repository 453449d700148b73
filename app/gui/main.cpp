// `nwc-workbench`: the GUI, or with --headless (or without a display) the demo job on stdout.
#include "cli/clioutput.h"
#include "cli/commands.h"
#include "compute/threadwaiting.h"
#include "generationpane.h"
#include "languagesetup.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QIcon>
#include <cstring>

namespace {

void setApplicationNames() {
    QCoreApplication::setOrganizationName(QStringLiteral("nwc-workbench"));
    QCoreApplication::setApplicationName(QStringLiteral("nwc-workbench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(NWC_VERSION));
}

// True with --headless, or when no display is configured at all (no platform plugin forced
// and neither an X11 nor a Wayland display).
bool runsHeadless(int argc, char *argv[]) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--headless") == 0)
            return true;
    }
    return qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
           qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

int runHeadless(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    setApplicationNames();
    QStringList arguments = QCoreApplication::arguments();
    arguments.removeAll(QStringLiteral("--headless"));
    // runDemo expects "<program> demo [options]"; errors print one line and exit non-zero.
    arguments.insert(1, QStringLiteral("demo"));
    return nwc::cli::runGuarded([&arguments] { return nwc::cli::runDemo(arguments); });
}

} // namespace

int main(int argc, char *argv[]) {
    nwc::restartWithPassiveThreadWaiting(argv); // before any thread starts
    if (runsHeadless(argc, argv))
        return runHeadless(argc, argv);

    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setApplicationDisplayName(QStringLiteral("NWC Workbench"));
    // Lets desktops match windows to nwc-workbench.desktop (and its hicolor icon).
    QGuiApplication::setDesktopFileName(QStringLiteral("nwc-workbench"));
    QIcon icon;
    for (const int size : {16, 32, 64, 256})
        icon.addFile(QStringLiteral(":/icons/nwc-workbench-%1.png").arg(size), QSize(size, size));
    QApplication::setWindowIcon(icon);
    // The language chosen in Settings, else the system's; before any translated text is built.
    nwc::installTranslators(nwc::interfaceLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Workbench for neural weight compression of language models."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption headless(
        QStringLiteral("headless"),
        QApplication::translate("main", "Run the demo job without a window and print its "
                                        "results (also the default when there is no display)."));
    const QCommandLineOption selectTensor(
        QStringLiteral("select-tensor"),
        QApplication::translate("main", "Select tensor <name> in the model browser once the "
                                        "model is open."),
        QStringLiteral("name"));
    const QCommandLineOption openAnalysis(
        QStringLiteral("open-analysis"),
        QApplication::translate("main", "Open <file> in the analysis docks: a sweep session, a "
                                        "calibration file or a compressed .nwc model."),
        QStringLiteral("file"));
    const QCommandLineOption generate(
        QStringLiteral("generate"),
        QApplication::translate("main", "Press Generate in the generation pane once the model "
                                        "and its teacher are loaded (for demos)."));
    parser.addOption(headless);
    parser.addOption(selectTensor);
    parser.addOption(generate);
    parser.addOption(openAnalysis);
    parser.addPositionalArgument(
        QStringLiteral("model"),
        QApplication::translate("main", "Model to open: a Hugging Face folder, a .safetensors "
                                        "file, a llama2.c .bin or demo:teacher / demo:student. "
                                        "Default: the last model opened, else demo:student."),
        QStringLiteral("[model]"));
    parser.process(app);

    nwc::MainWindow window;
    window.show();
    const QStringList positional = parser.positionalArguments();
    window.openInitialModel(positional.isEmpty() ? QString() : positional.first());
    if (parser.isSet(selectTensor))
        window.selectTensorWhenOpen(parser.value(selectTensor));
    for (const QString &file : parser.values(openAnalysis))
        window.openAnalysis(file);
    if (parser.isSet(generate))
        window.generationPane()->generateWhenReady();
    return app.exec();
}
